// Give every Arabic translation field in the Wagtail editor a right-to-left direction.
// Field names end in "_ar" (title_ar) or start a stream with it (body_ar-0-value).
(function () {
  "use strict";
  var ARABIC_NAME = /(^|[^a-z])[a-z0-9_]+_ar($|-)/;

  function markRightToLeft(root) {
    root.querySelectorAll("input[name], textarea[name], [data-contentpath]").forEach(function (el) {
      var name = el.getAttribute("name") || el.getAttribute("data-contentpath") || "";
      if (!ARABIC_NAME.test(name)) return;
      var panel = el.closest("[data-field-wrapper], .w-field__wrapper, .w-panel") || el;
      if (panel.getAttribute("dir") !== "rtl") {
        panel.setAttribute("dir", "rtl");
        panel.setAttribute("lang", "ar");
      }
      if (el.matches("input, textarea")) el.setAttribute("dir", "rtl");
    });
    root.querySelectorAll("[id*='_ar-section'], [id$='_ar-content'], [id*='-body_ar']").forEach(function (el) {
      el.setAttribute("dir", "rtl");
      el.setAttribute("lang", "ar");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    markRightToLeft(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(function (node) {
          if (node.nodeType === 1) markRightToLeft(node.parentNode || node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
