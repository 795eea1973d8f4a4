/* global document, performance, setInterval -- this file runs in the browser */
// Counts every session's time left down, and shows moments in the reader's time zone.
// The server gives the time left in ms when it made the page, so the browser's own
// clock (which may be off) does not matter: only the time elapsed since loading does.
const loadedAt = performance.now();

function formatCountdown(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

function tick() {
  for (const element of document.querySelectorAll("[data-remaining-ms]")) {
    const left = Number(element.dataset.remainingMs) - (performance.now() - loadedAt);
    element.textContent = left > 0 ? formatCountdown(left) : "expired";
  }
}

function localTimes() {
  for (const element of document.querySelectorAll("time[datetime]")) {
    element.textContent = new Date(element.dateTime).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  localTimes();
  tick();
  if (document.querySelector("[data-remaining-ms]")) setInterval(tick, 1000);
});
