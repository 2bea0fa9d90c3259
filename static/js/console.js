/* The agent console's keyboard shortcuts, selection and live-queue glue. No framework:
   htmx does the requests, this file only keeps the agent's place. */
(function () {
  "use strict";

  const queue = document.getElementById("queue");
  const rows = () => (queue ? Array.from(queue.querySelectorAll("tbody tr[data-incident]")) : []);
  let currentId = null; // the highlighted queue row, by incident id (survives a live redraw)

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url) {
    const form = document.createElement("form");
    form.method = "post";
    form.action = url;
    for (const [name, value] of [["csrfmiddlewaretoken", csrfToken()], ["next", location.pathname + location.search]]) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    form.submit();
  }

  function highlight(row, focus) {
    rows().forEach((r) => r.classList.toggle("queue-current", r === row));
    currentId = row ? row.dataset.incident : null;
    if (row && focus) {
      row.querySelector("a").focus();
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function currentRow() {
    return rows().find((r) => r.dataset.incident === currentId) || null;
  }

  function move(step) {
    const all = rows();
    if (!all.length) return;
    const index = all.indexOf(currentRow());
    const next = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
    highlight(all[next], true);
  }

  function updateSelectionCount() {
    const count = document.getElementById("selection-count");
    if (!count) return;
    const n = rows().filter((r) => r.querySelector("input[name=incidents]").checked).length;
    count.textContent = n ? `${n} selected` : "No incident selected";
    const all = document.getElementById("select-all");
    if (all) all.checked = n > 0 && n === rows().length;
  }

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (typing(event.target)) return;
    const modal = document.getElementById("shortcuts");
    if (modal && modal.classList.contains("show")) return;
    const incident = document.getElementById("incident");
    switch (event.key) {
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "Enter": {
        const row = currentRow();
        if (!row || event.target.closest("a, button")) return;
        location.href = row.querySelector("a").href;
        break;
      }
      case "x": {
        const row = currentRow();
        if (!row) return;
        const box = row.querySelector("input[name=incidents]");
        box.checked = !box.checked;
        updateSelectionCount();
        break;
      }
      case "a": {
        const row = currentRow();
        if (row) post(row.dataset.assignUrl);
        // The page's button, whose form says which version of the incident it was drawn from.
        else if (incident && document.getElementById("assign-me")) document.getElementById("assign-me").click();
        else return;
        break;
      }
      case "r": {
        const body = document.querySelector("#reply textarea");
        if (!body) return;
        body.focus();
        body.scrollIntoView({ block: "center" });
        break;
      }
      case "/": {
        const search = document.querySelector("[role=search] input[type=search]");
        if (search) search.focus();
        else location.href = "/incidents/#search";
        break;
      }
      case "n": {
        const raise = document.querySelector("[data-shortcut-new]");
        if (!raise) return;
        location.href = raise.href;
        break;
      }
      case "?":
        if (modal) bootstrap.Modal.getOrCreateInstance(modal).show();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  if (queue) {
    queue.addEventListener("change", (event) => {
      if (event.target.id === "select-all") {
        rows().forEach((r) => (r.querySelector("input[name=incidents]").checked = event.target.checked));
      }
      updateSelectionCount();
    });
    queue.addEventListener("click", (event) => {
      const row = event.target.closest("tr[data-incident]");
      if (row) highlight(row, false);
    });
    queue.addEventListener("focusin", (event) => {
      const row = event.target.closest("tr[data-incident]");
      if (row) highlight(row, false);
    });

    // The live poll may redraw the rows: keep what is selected, highlighted and focused.
    let kept = null;
    document.body.addEventListener("htmx:beforeSwap", (event) => {
      if (event.detail.target.id !== "queue-live") return;
      const active = document.activeElement;
      kept = {
        checked: rows().filter((r) => r.querySelector("input[name=incidents]").checked).map((r) => r.dataset.incident),
        focusRow: active && active.closest ? (active.closest("tr[data-incident]") || {}).dataset : null,
        focusCheckbox: active && active.name === "incidents",
        scroll: window.scrollY,
      };
    });
    document.body.addEventListener("htmx:afterSettle", () => {
      if (!kept) return;
      rows().forEach((r) => {
        if (kept.checked.includes(r.dataset.incident)) r.querySelector("input[name=incidents]").checked = true;
      });
      const row = currentRow();
      if (row) {
        row.classList.add("queue-current");
        const elsewhere = document.querySelector(".modal.show");
        if (!elsewhere && kept.focusRow && kept.focusRow.incident === row.dataset.incident) {
          (kept.focusCheckbox ? row.querySelector("input[name=incidents]") : row.querySelector("a")).focus({ preventScroll: true });
        }
      }
      window.scrollTo({ top: kept.scroll });
      updateSelectionCount();
      kept = null;
    });
    if (location.hash === "#search") {
      const search = document.querySelector("[role=search] input[type=search]");
      if (search) search.focus();
    }
  }

  // The reply box says who will read it, and turns the colour of an internal note.
  document.querySelectorAll(".reply-form").forEach((form) => {
    const hint = form.querySelector(".visibility-hint");
    const sync = () => {
      const checked = form.querySelector("input[name=visibility]:checked");
      const internal = checked && checked.value === "internal";
      form.classList.toggle("reply-internal", internal);
      if (hint) hint.textContent = internal ? hint.dataset.internal : hint.dataset.public;
    };
    form.addEventListener("change", sync);
    sync();
  });

  // SLA countdowns tick without a reload.
  function formatLeft(ms) {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    if (days) return `${days}d ${hours}h`;
    if (hours) return `${hours}h ${minutes % 60}m`;
    return `${minutes}m`;
  }
  function tick() {
    document.querySelectorAll(".sla-countdown[data-due]").forEach((el) => {
      const left = new Date(el.dataset.due) - Date.now();
      const badge = el.querySelector(".badge");
      if (!badge) return;
      if (left <= 0) {
        badge.textContent = el.dataset.breached || "Breached";
        badge.className = "badge text-bg-danger";
      } else {
        badge.textContent = `${el.dataset.label || "Due in"} ${formatLeft(left)}`;
        badge.classList.toggle("text-bg-warning", left <= 3600000);
      }
    });
  }
  if (document.querySelector(".sla-countdown")) setInterval(tick, 30000);
})();
