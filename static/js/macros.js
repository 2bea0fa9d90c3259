/* Saved replies in the reply box: "/" at the start of a line (or the button) opens a list
   filtered as you type; the arrow keys move, Enter inserts the reply filled in for this
   incident (its actions, if any, go with the form), Escape goes back to the text. */
(function () {
  "use strict";

  const form = document.querySelector(".reply-form[data-macros-url]");
  if (!form) return;
  const body = form.querySelector("textarea[name=body]");
  const macroInput = form.querySelector("input[name=macro]");
  const picker = document.getElementById("macro-picker");
  const filter = document.getElementById("macro-filter");
  const list = document.getElementById("macro-options");
  const actions = document.getElementById("macro-actions");
  const actionsText = document.getElementById("macro-actions-text");
  const opener = document.getElementById("macro-open");
  if (!body || !picker || !filter || !list) return;

  let loading = null;
  let openedBySlash = false;

  function load() {
    if (!loading) {
      loading = fetch(form.dataset.macrosUrl, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
        .then((html) => {
          list.innerHTML = html;
        })
        .catch(() => {
          loading = null;
          list.innerHTML = '<li class="small text-danger px-2 py-1" aria-disabled="true">The saved replies could not be loaded.</li>';
        });
    }
    return loading;
  }

  const options = () => Array.from(list.querySelectorAll("[role=option]"));
  const shown = () => options().filter((option) => !option.hidden);
  const current = () => list.querySelector("[role=option][aria-selected=true]");

  function select(option) {
    options().forEach((o) => {
      o.setAttribute("aria-selected", o === option ? "true" : "false");
      o.classList.toggle("active", o === option);
    });
    if (option) {
      filter.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      filter.removeAttribute("aria-activedescendant");
    }
  }

  function applyFilter() {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    options().forEach((option) => {
      const text = option.textContent.toLowerCase() + " " + option.dataset.body.toLowerCase();
      option.hidden = !words.every((word) => text.includes(word));
    });
    select(shown()[0] || null);
  }

  function open(bySlash) {
    openedBySlash = bySlash;
    picker.hidden = false;
    filter.value = "";
    filter.setAttribute("aria-expanded", "true");
    filter.focus();
    load().then(applyFilter);
  }

  function close(insertSlash) {
    picker.hidden = true;
    filter.setAttribute("aria-expanded", "false");
    if (insertSlash && openedBySlash) body.setRangeText("/", body.selectionStart, body.selectionEnd, "end");
    body.focus();
  }

  function insert(option) {
    if (!option) return;
    body.setRangeText(option.dataset.body, body.selectionStart, body.selectionEnd, "end");
    body.dispatchEvent(new Event("input", { bubbles: true }));
    if (macroInput) macroInput.value = option.dataset.macro || "";
    if (actions && actionsText) {
      actions.hidden = !option.dataset.macro;
      actionsText.textContent = option.dataset.actions || "";
    }
    close(false);
  }

  body.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const at = body.selectionStart;
    if (at !== body.selectionEnd || (at > 0 && body.value[at - 1] !== "\n")) return;
    event.preventDefault();
    open(true);
  });
  if (opener) opener.addEventListener("click", () => open(false));

  filter.addEventListener("input", applyFilter);
  filter.addEventListener("keydown", (event) => {
    const all = shown();
    const index = all.indexOf(current());
    switch (event.key) {
      case "ArrowDown":
        select(all[Math.min(all.length - 1, index + 1)] || null);
        break;
      case "ArrowUp":
        select(all[Math.max(0, index - 1)] || null);
        break;
      case "Enter":
        insert(current());
        break;
      case "Escape":
        close(true);
        break;
      case "Tab":
        picker.hidden = true;
        return;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  });
  list.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the filter
  list.addEventListener("click", (event) => insert(event.target.closest("[role=option]")));

  // "Keep only the text": the reply goes without the saved reply's status or assignment.
  const drop = document.getElementById("macro-actions-drop");
  if (drop) {
    drop.addEventListener("click", () => {
      if (macroInput) macroInput.value = "";
      actions.hidden = true;
      body.focus();
    });
  }
})();
