// Follows a background question import: updates the progress bar, then reloads the report when it ends.
(function () {
  "use strict";
  var root = document.querySelector(".question-import[data-running]");
  if (!root || !window.fetch) { return; }
  var bar = document.getElementById("import-progress");
  var count = document.getElementById("import-count");
  var state = document.getElementById("import-state");
  var template = count ? count.getAttribute("data-template") : "";
  function poll() {
    fetch(root.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { return; }
        if (status.finished) { window.location.reload(); return; }
        if (bar) { bar.max = Math.max(status.total, 1); bar.value = status.done; }
        if (state) { state.textContent = status.state_label; }
        if (count) { count.textContent = template.replace("%(done)s", status.done).replace("%(total)s", status.total); }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
