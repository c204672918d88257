// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRFToken"] = token.content;
});

// Buttons with data-confirm ask before submitting (moderation actions).
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const message = button && button.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// Long forms show progress while uploading or saving.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.matches("form[data-busy]") && !event.defaultPrevented) {
    form.classList.add("is-busy");
    form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    window.setTimeout(() => form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = false; }), 15000);
  }
});

// Header menus. The menu button (details.nav-toggle) and the dropdowns (details.menu) work
// without JavaScript; here they gain aria-expanded, Escape, closing on an outside click or
// when another opens, and dropdowns that flip to stay inside the screen.
(() => {
  const header = document.querySelector(".site-header");
  if (!header) return;
  const toggle = header.querySelector("details.nav-toggle");
  const panel = document.getElementById("site-nav");
  const summaryOf = (details) => details.querySelector(":scope > summary");
  const sync = (details) => {
    const summary = summaryOf(details);
    if (summary) summary.setAttribute("aria-expanded", details.open ? "true" : "false");
    if (details === toggle) header.classList.toggle("nav-open", details.open);
  };
  const isDropdown = (menu) => {
    const list = menu.querySelector(":scope > ul");
    return list && window.getComputedStyle(list).position === "absolute";
  };
  const keepInside = (menu) => {
    menu.classList.remove("align-left");
    const list = menu.querySelector(":scope > ul");
    if (!list || !isDropdown(menu)) return;
    if (list.getBoundingClientRect().left < 8) menu.classList.add("align-left");
  };
  const close = (details, focus) => {
    details.open = false;
    if (focus) summaryOf(details).focus();
  };

  header.querySelectorAll("details").forEach(sync);
  // "toggle" does not bubble: listen while it travels down.
  header.addEventListener("toggle", (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement)) return;
    sync(details);
    if (!details.open || !details.classList.contains("menu")) return;
    header.querySelectorAll("details.menu[open]").forEach((other) => {
      if (other !== details && !other.contains(details)) other.open = false;
    });
    keepInside(details);
    // In the phone panel, opening a menu folds the others above it, which moves it up,
    // possibly out of sight under the header: bring its title to the top of the panel.
    if (panel && panel.contains(details) && !isDropdown(details)) {
      const offset = summaryOf(details).getBoundingClientRect().top - panel.getBoundingClientRect().top;
      if (offset < 0 || offset > panel.clientHeight / 2) panel.scrollTop += offset - 8;
    }
  }, true);

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const menu = header.querySelector("details.menu[open]");
    if (menu && isDropdown(menu)) close(menu, true);
    else if (toggle && toggle.open) close(toggle, true);
    else if (menu) close(menu, true);
  });

  document.addEventListener("click", (event) => {
    header.querySelectorAll("details.menu[open]").forEach((menu) => {
      if (!menu.contains(event.target) && isDropdown(menu)) close(menu, false);
    });
    if (toggle && toggle.open && !toggle.contains(event.target) && !(panel && panel.contains(event.target))) {
      close(toggle, false);
    }
  });

  // Tabbing out of a dropdown closes it (not the phone panel's sections, which are inline).
  header.addEventListener("focusout", (event) => {
    const menu = event.target.closest("details.menu[open]");
    if (menu && event.relatedTarget && !menu.contains(event.relatedTarget) && isDropdown(menu)) close(menu, false);
  });

  window.addEventListener("resize", () => header.querySelectorAll("details.menu[open]").forEach(keepInside));
})();

// A button that prints the page (the store's check-in sign): no inline handlers under the CSP.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
