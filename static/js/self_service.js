/* The self-service panel of a form that raises an incident (templates/status/_self_service.html).
   htmx fetches the suggestions as the person types (debounced) into an aria-live region, and
   posts "This solved it". Here: "I still need help" puts the suggestions away for this form
   (they stop refreshing), keeps what was typed and takes the focus to the send button; after
   "This solved it", the focus goes to the answer so a screen reader reads it. */
(function () {
  "use strict";

  const panel = document.querySelector("[data-self-service]");
  if (!panel) return;
  const results = panel.querySelector(".self-service-results");
  const form = panel.closest("form");
  let dismissed = false;

  function submitButton() {
    return form ? form.querySelector(panel.dataset.submit || "[type=submit]") : null;
  }

  panel.addEventListener("click", (event) => {
    const dismiss = event.target.closest("[data-self-service-dismiss]");
    if (!dismiss || !results) return;
    dismissed = true;
    results.innerHTML =
      '<p class="small text-body-secondary mb-0">Fine: send it below, what you wrote is kept.</p>';
    const send = submitButton();
    if (send) send.focus();
  });

  // Once put away, the suggestions stay away while the person finishes writing.
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (dismissed && event.detail.elt === results) event.preventDefault();
  });

  // "This solved it" refused (the known error no longer published, say) answers 400 with its
  // reason for the panel: htmx 2 leaves a 4xx answer unshown unless told to show it.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target === panel && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target !== panel) return;
    const answer = panel.querySelector("[data-self-service-solved-message]");
    if (answer) {
      answer.focus();
      const send = submitButton();
      // Nothing left to send: the form's own button would raise an incident after all.
      if (send) send.hidden = true;
    }
  });
})();
