/* Runs on the content origin: starts h5p-standalone and relays top-level scored xAPI statements
   and the content's height to the lesson page (the only origin allowed to frame this page). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("h5p-config").textContent);
  var parentOrigin = config.parentOrigin;

  function post(message) {
    if (window.parent !== window) window.parent.postMessage(message, parentOrigin);
  }

  var container = document.getElementById("h5p-container");
  var lastHeight = 0;

  function reportHeight() {
    var inner = container.querySelector("iframe.h5p-iframe");
    var height = Math.ceil((inner ? inner.getBoundingClientRect().height : container.scrollHeight) + 8);
    if (height > 8 && height !== lastHeight) {
      lastHeight = height;
      post({ type: "custodia:h5p-height", height: height });
    }
  }

  function failed() {
    var alert = document.createElement("p");
    alert.setAttribute("role", "alert");
    alert.textContent = container.getAttribute("data-error");
    container.appendChild(alert);
    reportHeight();
  }

  new H5PStandalone.H5P(container, config.options).then(function () {
    H5P.externalDispatcher.on("xAPI", function (event) {
      var statement = event && event.data && event.data.statement;
      if (!statement || !statement.result || !statement.result.score) return;
      var context = statement.context || {};
      if (context.contextActivities && context.contextActivities.parent) return; // sub-content
      post({ type: "custodia:h5p-xapi", statement: JSON.parse(JSON.stringify(statement)) });
    });
    reportHeight();
  }, failed);
  if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(container);
  window.setInterval(reportHeight, 500); // H5P resizes its own frame from inside; cheap to poll
  window.addEventListener("load", reportHeight);
})();
