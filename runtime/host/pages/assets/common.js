/*
 * What every form page shares: building elements (never HTML text: the page's Content-Security-
 * Policy turns HTML sinks off), calling the host, the session, and the header.
 *
 * The session token lives in an HttpOnly cookie that no script can read. The CSRF token that
 * state-changing calls carry is kept in this script's memory only, read again on each page load.
 */
"use strict";
(() => {
  let csrfToken = null;

  /** el("p", { class: "x", text: "hi" }, child, ...): an element with attributes and children. */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else if (name === "class") node.className = value;
      else if (name === "for") node.htmlFor = value;
      else if (name === "hidden") node.hidden = true;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) for (const item of child) append(node, item);
    else node.append(child);
  }

  function clear(node) {
    node.replaceChildren();
  }

  /**
   * Calls the host as the signed-in user: { status, ok, body } (body parsed when it is JSON),
   * or with `stream`, { status, ok, response } for a successful answer. A lost session sends the
   * browser to the sign-in page.
   */
  async function api(method, path, body, { allow401 = false, stream = false } = {}) {
    const headers = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (csrfToken && method !== "GET") headers["x-csrf-token"] = csrfToken;
    const response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401 && !allow401) {
      goToSignIn();
      return new Promise(() => {});
    }
    if (stream && response.ok) return { status: response.status, ok: true, response };
    const text = await response.text();
    let parsed = null;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: response.status, ok: response.ok, body: parsed };
  }

  function goToSignIn() {
    location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
  }

  /** Reads who is signed in (and the CSRF token); without a session, goes to the sign-in page. */
  async function loadSession() {
    const answer = await api("GET", "/ui/session");
    if (!answer.ok || !answer.body) throw new Error(`The host did not say who is signed in (HTTP ${answer.status}).`);
    csrfToken = answer.body.csrfToken;
    showUser(answer.body.username);
    return answer.body;
  }

  function showUser(username) {
    document.getElementById("signed-in-as").textContent = username;
    document.getElementById("account").hidden = false;
    const button = document.getElementById("sign-out");
    button.addEventListener("click", async () => {
      button.disabled = true;
      await api("DELETE", "/ui/session", undefined, { allow401: true });
      location.assign("/login");
    });
  }

  /** Where the sign-in page may send the browser next: a path of this host, nothing else. */
  function safeNext(value) {
    return typeof value === "string" && /^\/(?![/\\])[A-Za-z0-9_.\-/%]*$/.test(value) ? value : "/";
  }

  function formatDuration(ms) {
    if (typeof ms !== "number") return "";
    if (ms < 1000) return `${ms} ms`;
    return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  }

  /** Shows a page-level message in #page-alert (kind: "error" or "info"). */
  function showAlert(kind, title, lines = []) {
    const box = document.getElementById("page-alert");
    box.replaceChildren(el("p", { class: "alert-title", text: title }), ...lines.map((line) => el("p", { text: line })));
    box.className = `alert alert-${kind}`;
    box.hidden = false;
  }

  function messageOf(error) {
    return error && error.message ? error.message : String(error);
  }

  window.SiqPages = { el, clear, api, loadSession, safeNext, formatDuration, showAlert, messageOf };
})();
