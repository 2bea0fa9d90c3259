/* An incident page among colleagues: its live poll (htmx, see _incident_live.html) sends
   whether the reply box holds text, so the others see "replying…"; leaving the page tells
   them at once rather than when the presence expires. */
(function () {
  "use strict";

  const flag = document.getElementById("replying-flag");
  const live = document.getElementById("incident-live");
  if (!flag || !live) return;

  document.addEventListener("input", (event) => {
    if (event.target.matches("#reply textarea")) flag.value = event.target.value.trim() ? "1" : "";
  });

  window.addEventListener("pagehide", () => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!token || !navigator.sendBeacon) return;
    const body = new FormData();
    body.append("csrfmiddlewaretoken", token.value);
    body.append("page", document.getElementById("incident-live").dataset.page);
    navigator.sendBeacon(live.dataset.leaveUrl, body);
  });
})();
