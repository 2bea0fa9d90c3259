/* The console's new-incident form (templates/tickets/incident_new.html). htmx fetches the
   reporter search and the desk's judgement (the self-service panel) as the agent types; here:
   - the service the desk suggests fills the service field while the agent has not chosen one
     (a choice of theirs is never overridden), and goes again if the suggestion does;
   - typing a new person's name or e-mail chooses "Someone new". */
(function () {
  "use strict";

  const form = document.querySelector("[data-incident-new]");
  if (!form) return;
  const service = form.querySelector("select[name=service]");
  const suggested = form.querySelector("input[name=service_suggested]");
  const hint = document.getElementById("service-suggestion");
  const results = document.getElementById("self-service-results");

  // A service already there when the page is drawn is the agent's, unless the desk put it there.
  let chosenByAgent = Boolean(service.value) && suggested.value !== "1";

  service.addEventListener("change", () => {
    chosenByAgent = Boolean(service.value);
    suggested.value = "";
    hint.textContent = "";
  });

  function followSuggestion() {
    if (chosenByAgent) return;
    const found = results.querySelector("[data-suggested-service]");
    if (found && service.querySelector(`option[value="${found.dataset.suggestedService}"]`)) {
      if (service.value !== found.dataset.suggestedService) service.value = found.dataset.suggestedService;
      suggested.value = "1";
      hint.textContent = `Suggested by the desk: ${found.dataset.suggestedLabel}. Change it if it is wrong.`;
    } else if (suggested.value === "1") {
      service.value = "";
      suggested.value = "";
      hint.textContent = "";
    }
  }

  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target === results) followSuggestion();
  });

  const someoneNew = document.getElementById("reporter-new");
  form.querySelectorAll("input[name=reporter_name], input[name=reporter_email]").forEach((input) => {
    input.addEventListener("input", () => {
      if (input.value.trim()) someoneNew.checked = true;
    });
  });
})();
