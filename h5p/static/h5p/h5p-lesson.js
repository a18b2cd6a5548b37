/* Runs on the platform's lesson page: accepts messages only from the H5P frames' own windows on the
   content origin, sizes the frames, posts scored results with the page's CSRF token and, once a result
   is recorded, offers a new attempt (a new launch: each launch records one result). */
(function () {
  "use strict";
  if (window.custodiaH5PLesson) return; // the script is included once per block
  window.custodiaH5PLesson = true;
  var frames = Array.prototype.slice.call(document.querySelectorAll("iframe[data-h5p-token]"));
  if (!frames.length) return;

  function offerNewAttempt(frame, next) {
    var button = document.querySelector('[data-h5p-again="' + frame.id + '"]');
    if (!button || !next || !next.src) return;
    button.onclick = function () {
      frame.setAttribute("data-h5p-token", next.launch);
      frame.src = next.src;
      button.parentNode.hidden = true;
      var status = document.getElementById(frame.getAttribute("data-h5p-status"));
      if (status) status.textContent = "";
    };
    button.parentNode.hidden = false;
  }

  function send(frame, statement) {
    var status = document.getElementById(frame.getAttribute("data-h5p-status"));
    fetch(frame.getAttribute("data-h5p-results-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": frame.getAttribute("data-h5p-csrf") },
      body: JSON.stringify({ launch: frame.getAttribute("data-h5p-token"), statement: statement })
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (status && (data.message || data.error)) status.textContent = data.message || data.error;
        if (data.next) offerNewAttempt(frame, data.next);
      })
      .catch(function () {
        if (status) status.textContent = status.getAttribute("data-error");
      });
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object") return;
    frames.forEach(function (frame) {
      if (event.source !== frame.contentWindow || event.origin !== frame.getAttribute("data-h5p-origin")) return;
      if (data.type === "custodia:h5p-height") {
        var height = Math.max(120, Math.min(4000, parseInt(data.height, 10) || 0));
        frame.style.height = height + "px";
      } else if (data.type === "custodia:h5p-xapi" && data.statement && typeof data.statement === "object") {
        send(frame, data.statement);
      }
    });
  });
})();
