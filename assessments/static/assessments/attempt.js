/* Quiz attempt autosave: posts the attempt form to the server as answers change and at least
   every 30 seconds. Each request carries a new sequence number; the server refuses older ones
   (409). Without JavaScript the form's own Save / Next / Submit buttons do the same work. */
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("save-status");
  var sequenceInput = form.querySelector("input[name=sequence]");
  var nextSequence = parseInt(sequenceInput.value, 10) || 1;
  var dirty = false;
  var inFlight = false;
  var stopped = false;
  var typingTimer = null;

  function say(message) { if (status) { status.textContent = message; } }

  // Answers the server cannot read (e.g. "not read as a number") are pointed out beside the field.
  function showProblems(problems) {
    Object.keys(problems).forEach(function (name) {
      var note = form.querySelector("[data-problem-for='" + name + "']");
      var field = form.querySelector("[name='" + name + "']");
      if (!note) { return; }
      note.textContent = problems[name];
      note.hidden = !problems[name];
      if (field) {
        if (problems[name]) {
          field.setAttribute("aria-invalid", "true");
          field.setAttribute("aria-describedby", note.id);
        } else {
          field.removeAttribute("aria-invalid");
        }
      }
    });
  }

  function save(force) {
    if (stopped || inFlight || (!dirty && !force)) { return; }
    inFlight = true;
    dirty = false;
    var data = new FormData(form);
    data.set("sequence", String(nextSequence));
    nextSequence += 1;
    sequenceInput.value = String(nextSequence);
    say(form.dataset.msgSaving);
    fetch(form.dataset.saveUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) { return { code: response.status, body: body }; });
      })
      .then(function (result) {
        inFlight = false;
        if (result.code === 200) {
          say(form.dataset.msgSaved);
          showProblems(result.body.problems || {});
          if (dirty) { save(false); }
        } else if (result.code === 409 && result.body.finished) {
          stopped = true;
          window.location.assign(result.body.review_url);
        } else if (result.code === 409) {
          stopped = true;  // a newer save came from elsewhere: never overwrite it silently
          say(form.dataset.msgStale);
        } else {
          dirty = true;
          say(form.dataset.msgOffline);
        }
      })
      .catch(function () {
        inFlight = false;
        dirty = true;
        say(form.dataset.msgOffline);
      });
  }

  form.addEventListener("change", function () { dirty = true; save(false); });
  form.addEventListener("input", function () {
    dirty = true;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { save(false); }, 1500);
  });
  form.addEventListener("submit", function () {
    stopped = true;  // the form post itself saves (and submits) with the next sequence number
    sequenceInput.value = String(nextSequence + 1);
  });
  window.setInterval(function () { save(true); }, 30000);
  window.addEventListener("online", function () { save(false); });

  // Countdown (the server enforces the limit; this only informs and submits at zero).
  var timer = document.getElementById("quiz-timer");
  if (timer && timer.dataset.secondsLeft !== "") {
    var left = parseInt(timer.dataset.secondsLeft, 10);
    var output = timer.querySelector(".quiz-timer__left");
    var endsAt = Date.now() + left * 1000;
    var lastAnnounced = null;
    var tick = function () {
      var seconds = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      var minutes = Math.ceil(seconds / 60);
      var text = seconds >= 60
        ? form.dataset.msgMinutes.replace("%(minutes)s", String(minutes))
        : form.dataset.msgSeconds.replace("%(seconds)s", String(seconds));
      // Announce each minute, then every 15 s in the last minute, not every second.
      var bucket = seconds >= 60 ? minutes : Math.ceil(seconds / 15);
      if (bucket !== lastAnnounced) { output.textContent = text; lastAnnounced = bucket; }
      if (seconds === 0 && !stopped) {
        stopped = true;
        var action = document.createElement("input");
        action.type = "hidden";
        action.name = "action";
        action.value = "submit";
        form.appendChild(action);
        sequenceInput.value = String(nextSequence + 1);
        form.submit();
        return;
      }
      window.setTimeout(tick, 1000);
    };
    tick();
  }
}());
