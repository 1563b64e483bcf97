/* The sign-in page: POST /ui/session sets the session cookie; then on to the page asked for. */
"use strict";
(() => {
  const pages = window.SiqPages;
  const form = document.getElementById("sign-in");
  const username = document.getElementById("username");
  const password = document.getElementById("password");
  const errorBox = document.getElementById("sign-in-error");
  const button = form.querySelector("button[type=submit]");
  const next = pages.safeNext(new URLSearchParams(location.search).get("next"));

  function fail(message, field) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    for (const input of [username, password]) input.removeAttribute("aria-invalid");
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    if (username.value.trim() === "") return fail("Enter your username.", username);
    if (password.value === "") return fail("Enter your password.", password);
    button.disabled = true;
    button.textContent = "Signing in…";
    try {
      const answer = await pages.api("POST", "/ui/session", { username: username.value.trim(), password: password.value }, { allow401: true });
      if (answer.ok) {
        location.assign(next);
        return;
      }
      const error = (answer.body && answer.body.error) || {};
      password.value = "";
      if (error.code === "CREDENTIALS_INVALID") fail("The username or password is not right. Check them and try again.", password);
      else fail(error.message || `Signing in failed (HTTP ${answer.status}).`, null);
    } catch {
      fail("The host did not answer. Check that siq serve is still running, then try again.", null);
    }
    button.disabled = false;
    button.textContent = "Sign in";
  });

  username.focus();
})();
