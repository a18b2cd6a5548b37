// Polls an export job's status until it is ready (or failed), then shows the download link.
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) return;
  var status = box.dataset.status;
  if (status !== "pending" && status !== "running") return;
  var bar = document.getElementById("export-progress");
  var state = document.getElementById("export-state");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        state.textContent = job.label + " · " + job.done + " / " + job.total;
        if (job.status === "done") {
          document.getElementById("export-download").hidden = false;
        } else if (job.status !== "pending" && job.status !== "running") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
