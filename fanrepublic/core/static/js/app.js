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
