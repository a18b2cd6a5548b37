// Lessons completed "on reaching the end": when the end of the lesson scrolls into view, post the
// same form the "Mark as complete" button submits. The button stays as the no-JavaScript fallback.
(function () {
  "use strict";
  var form = document.querySelector("form[data-complete-on-end]");
  var end = document.getElementById("lesson-end");
  if (!form || !end || !("IntersectionObserver" in window) || !window.fetch) return;
  var sending = false;
  var observer = new IntersectionObserver(function (entries) {
    if (sending || !entries.some(function (entry) { return entry.isIntersecting; })) return;
    sending = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (reply) {
        var status = document.getElementById("lesson-status");
        if (status) status.textContent = reply.data.message;
        if (!reply.ok) return;
        observer.disconnect();
        form.hidden = true;
        document.querySelectorAll("#lesson-course-progress + progress, #outline-progress + progress").forEach(function (bar) {
          bar.max = reply.data.total || 1;
          bar.value = reply.data.done;
        });
        if (reply.data.progress_text) {
          document.querySelectorAll("#lesson-course-progress [data-progress-text], #outline-progress [data-progress-text]").forEach(function (text) {
            text.textContent = reply.data.progress_text;
          });
        }
      })
      .catch(function () { sending = false; }); // offline: the button still works, and we retry on the next scroll
  });
  observer.observe(end);
})();
