// Fill the filter form's time zone with the browser's, and show it next to the dates.
document.addEventListener("DOMContentLoaded", function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;
  var input = document.querySelector('input[name="tz"]');
  if (input && !input.value) input.value = zone;
  var note = document.querySelector("[data-browser-time-zone]");
  if (note) {
    note.querySelector("strong").textContent = zone;
    note.hidden = false;
  }
});
