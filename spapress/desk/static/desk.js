// The desk app's small helpers: the live preview of a client sheet, the room left for the note,
// dropping a day's file on Today, and the Rebuild progress. Every page works without it.
"use strict";

function livePreview(form) {
  const picture = document.getElementById("preview");
  const state = document.getElementById("preview-state");
  const emailButton = document.getElementById("email-button");
  let timer = null, asked = 0;

  function showProblems(problems) {
    form.querySelectorAll("p.problem[id$='-problem']").forEach(function (line) {
      const field = line.id.slice(0, -"-problem".length);
      const control = document.getElementById(field);
      if (problems[field]) {
        line.textContent = problems[field];  // already "Label: what is wrong"
        line.hidden = false;
        if (control) control.setAttribute("aria-invalid", "true");
      } else if (field !== "printer" && field !== "copies") {
        line.textContent = "";
        line.hidden = true;
        if (control) control.removeAttribute("aria-invalid");
      }
    });
  }

  function check(initial) {
    const mine = ++asked;
    const body = new FormData(form);
    fetch(form.dataset.check, {method: "POST", body: body, headers: {"X-CSRF-Token": form.dataset.csrf},
                               credentials: "same-origin"})
      .then(function (answer) { return answer.json(); })
      .then(function (found) {
        if (mine !== asked) return;  // a newer check is on its way
        if (!initial) showProblems(found.problems);  // on opening, keep what the last button said
        if (emailButton) emailButton.textContent = found.changed ? "Send corrected version" : "Email";
        if (found.room !== null) { note.dataset.room = found.room; noteRoom(); }
        else if (found.ready) measureRoom(mine);
        else { delete note.dataset.room; room.textContent = found.room_hint; }
        if (found.ready) {
          picture.src = form.dataset.preview + "?n=" + mine;
          picture.hidden = false;
          state.textContent = "The sheet as it will print.";
        } else {
          state.textContent = "No preview until the marked fields are fixed.";
        }
      })
      .catch(function () { state.textContent = "The preview could not be updated; press Preview."; });
  }

  function measureRoom(mine) {  // after the preview: measuring a sheet not seen before takes a moment
    fetch(form.dataset.room, {method: "POST", headers: {"X-CSRF-Token": form.dataset.csrf}, credentials: "same-origin"})
      .then(function (answer) { return answer.json(); })
      .then(function (found) {
        if (mine !== asked) return;
        if (found.room === null) { delete note.dataset.room; room.textContent = found.room_hint; }
        else { note.dataset.room = found.room; noteRoom(); }
      });
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(function () { check(false); }, 250);
  }

  const note = document.getElementById("note");
  const room = document.getElementById("note-room");
  function noteRoom() {  // between checks: the room last measured for this sheet, less what is typed now
    if (note.dataset.room === undefined) return;
    const has = Number(note.dataset.room), left = has - note.value.length;
    room.textContent = left < 0 ? (-left) + " characters too many: this sheet has room for " + has + "."
      : "Room left for the note: " + left + " characters (this sheet has room for " + has + ").";
  }
  form.addEventListener("input", function (event) { if (event.target === note) noteRoom(); soon(); });
  form.addEventListener("change", soon);
  if (picture.hidden && form.querySelector("#handout").value) check(true);
}

function dropZone(form) {
  const input = form.querySelector("input[type=file]");
  ["dragenter", "dragover"].forEach(function (name) {
    form.addEventListener(name, function (event) { event.preventDefault(); form.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    form.addEventListener(name, function () { form.classList.remove("over"); });
  });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      form.submit();
    }
  });
}

function rebuildProgress(form) {
  const bar = document.getElementById("rebuild-progress");
  function poll() {
    fetch(form.dataset.state, {credentials: "same-origin"})
      .then(function (answer) { return answer.json(); })
      .then(function (state) {
        if (state.running) {
          bar.hidden = false;
          if (state.total) { bar.max = state.total; bar.value = state.done; }
          setTimeout(poll, 400);
        } else {
          window.location.assign(form.dataset.page);
        }
      });
  }
  if (form.dataset.running) poll();
}

document.addEventListener("DOMContentLoaded", function () {
  const sheet = document.getElementById("sheet-form");
  if (sheet) livePreview(sheet);
  const day = document.getElementById("day-form");
  if (day) dropZone(day);
  const rebuild = document.getElementById("rebuild-form");
  if (rebuild) rebuildProgress(rebuild);
});
