/*
 * A run, shown as it happens: reads the NDJSON lines of POST /api/v1/pipelines/{name}/run/stream
 * with fetch and a stream reader, and shows each action as it starts and finishes (status,
 * duration, outputs with secret ones hidden until revealed, messages, errors), then a summary
 * that says in plain words how the run went and, when it failed, where and why.
 */
"use strict";
(() => {
  const pages = window.SiqPages;
  const { el } = pages;

  const STATUS_WORDS = { pending: "Waiting", running: "Running", succeeded: "Succeeded", failed: "Failed", skipped: "Skipped", "not-run": "Not run" };
  const FINISHED_WORDS = { succeeded: "succeeded", failed: "failed", skipped: "was skipped", "not-run": "did not run" };
  const MASK = "••••••••";
  const plural = (count, one, many) => (count === 1 ? `1 ${one}` : `${count} ${many}`);

  /** Reads a response body line by line, calling onLine with each parsed object. */
  async function readLines(response, onLine) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let at;
      while ((at = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        if (line.trim() !== "") onLine(JSON.parse(line));
      }
      if (done) break;
    }
    if (buffer.trim() !== "") onLine(JSON.parse(buffer));
  }

  function statusBadge(status, attempt, attempts) {
    let words = STATUS_WORDS[status] || status;
    if (status === "running" && attempts > 1) words += ` (attempt ${attempt} of ${attempts})`;
    return el("span", { class: `badge badge-${status}`, text: words });
  }

  /** Text that is a JSON object or list, indented; otherwise null. */
  function prettyJson(text) {
    const first = text.trim().charAt(0);
    if (first !== "{" && first !== "[") return null;
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return null;
    }
  }

  /** A block of text; one longer than a few lines folds behind a "Show N lines" disclosure. */
  function blockNode(text) {
    const block = el("pre", { class: "value-block" }, el("code", { text }));
    const lines = text.split("\n").length;
    if (lines <= 6) return block;
    return el("details", { class: "value-details" }, el("summary", { text: `Show ${lines} lines` }), block);
  }

  /** An output's value: strings as they are (JSON text indented), other JSON values as JSON. */
  function valueNode(value) {
    if (value === "" || value === null || value === undefined) return el("span", { class: "muted", text: value === "" ? "(empty)" : "(none)" });
    if (typeof value === "string") {
      const pretty = prettyJson(value);
      if (pretty !== null) return blockNode(pretty);
      return value.length > 120 || value.includes("\n") ? blockNode(value) : el("span", { class: "value", text: value });
    }
    if (typeof value === "object") return blockNode(JSON.stringify(value, null, 2));
    return el("span", { class: "value", text: String(value) });
  }

  /** A secret output (a password): hidden until its Reveal button is pressed. */
  function secretNode(value, id) {
    if (value === "" || value === null || value === undefined) return el("span", { class: "muted", text: "(none assigned)" });
    const shown = el("span", { class: "value secret-value", id, text: MASK });
    const button = el("button", { type: "button", class: "button button-quiet button-small reveal", "aria-pressed": "false", "aria-controls": id, text: "Reveal" });
    button.addEventListener("click", () => {
      const reveal = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(reveal));
      button.textContent = reveal ? "Hide" : "Reveal";
      shown.textContent = reveal ? String(value) : MASK;
    });
    return el("span", { class: "secret" }, shown, button);
  }

  /** The run panel: one card per action, a status line, a summary, and a log for screen readers. */
  class RunView {
    constructor(panel) {
      this.panel = panel;
      this.list = panel.querySelector("#run-actions");
      this.status = panel.querySelector("#run-status");
      this.summary = panel.querySelector("#run-summary");
      this.log = panel.querySelector("#run-log");
      this.entries = [];
      this.runs = 0;
    }

    reset() {
      this.runs += 1;
      this.list.replaceChildren();
      this.summary.replaceChildren();
      this.log.replaceChildren();
      this.summary.hidden = true;
      this.panel.querySelector("#run-placeholder").hidden = true;
      this.entries = [];
      this.status.textContent = "Starting the run…";
    }

    announce(text) {
      this.log.append(el("p", { text }));
    }

    started({ actions }) {
      this.entries = actions.map((action) => {
        const entry = { info: action, badge: statusBadge("pending"), duration: el("span", { class: "duration" }), body: el("div", { class: "action-body", hidden: true }), result: null, meaning: undefined };
        entry.node = el(
          "li",
          { class: "action action-pending", "data-action": action.name },
          el(
            "div",
            { class: "action-head" },
            el("span", { class: "step", "aria-hidden": "true", text: String(action.index + 1) }),
            el("div", { class: "action-title" }, el("h3", { class: "action-name", text: action.name }), el("span", { class: "action-type", text: action.type })),
            el("div", { class: "action-state" }, entry.badge, entry.duration),
          ),
          entry.body,
        );
        return entry;
      });
      this.list.append(...this.entries.map((entry) => entry.node));
      this.status.textContent = `Running ${plural(this.entries.length, "action", "actions")}…`;
    }

    setStatus(entry, status, attempt) {
      const badge = statusBadge(status, attempt, entry.info.attempts);
      entry.badge.replaceWith(badge);
      entry.badge = badge;
      entry.node.className = `action action-${status}`;
    }

    actionStarted({ index, attempt }) {
      const entry = this.entries[index];
      if (!entry) return;
      this.setStatus(entry, "running", attempt);
      this.status.textContent = `Running step ${index + 1} of ${this.entries.length}: ${entry.info.name}…`;
    }

    actionFinished({ index, result, meaning }) {
      const entry = this.entries[index];
      if (!entry) return;
      entry.result = result;
      entry.meaning = meaning;
      this.setStatus(entry, result.status);
      const duration = typeof result.durationMs === "number" ? pages.formatDuration(result.durationMs) : "";
      entry.duration.textContent = duration + (result.attempts > 1 ? ` · ${result.attempts} attempts` : "");
      this.fillBody(entry, result, meaning);
      this.announce(`${entry.info.name} ${FINISHED_WORDS[result.status] || result.status}${duration ? ` in ${duration}` : ""}.`);
    }

    fillBody(entry, result, meaning) {
      const parts = [];
      if (result.error) {
        parts.push(
          el(
            "div",
            { class: "action-error" },
            el("p", { class: "error-line" }, el("code", { class: "error-code", text: result.error.code }), " ", result.error.message),
            meaning ? el("p", { class: "small error-meaning", text: `${result.error.code}: ${meaning}` }) : null,
          ),
        );
      }
      const outputs = Object.entries(result.outputs || {});
      if (outputs.length > 0) {
        const secret = entry.info.secretOutputs || [];
        parts.push(
          el("h4", { class: "outputs-title", text: "Outputs" }),
          el(
            "dl",
            { class: "outputs" },
            outputs.map(([name, value], index) => {
              const id = `run${this.runs}-a${entry.info.index}-o${index}`;
              return el("div", { class: "output" }, el("dt", { text: name }), el("dd", {}, secret.includes(name) ? secretNode(value, id) : valueNode(value)));
            }),
          ),
        );
      }
      if (result.messages && result.messages.length > 0) {
        parts.push(el("h4", { class: "outputs-title", text: "Messages" }), el("ul", { class: "messages" }, result.messages.map((message) => el("li", { text: message }))));
      }
      entry.body.replaceChildren(...parts);
      entry.body.hidden = parts.length === 0;
    }

    /** The run's end: every action succeeded, or which one failed and why, in plain words. */
    finished(result) {
      result.actions.forEach((action, index) => {
        const entry = this.entries[index];
        if (entry && !entry.result) this.actionFinished({ index, result: action });
      });
      const lines = [];
      if (result.status === "succeeded") {
        const ran = result.actions.filter((action) => action.status === "succeeded").length;
        const skipped = result.actions.length - ran;
        this.summary.className = "run-summary run-summary-succeeded";
        lines.push(el("p", { class: "summary-title", text: "Submitted: every action succeeded." }));
        lines.push(el("p", { text: `${plural(ran, "action", "actions")} ran in ${pages.formatDuration(result.durationMs)}${skipped > 0 ? `; ${plural(skipped, "was", "were")} skipped because a condition was false` : ""}.` }));
        this.status.textContent = "";
      } else {
        const failed = result.actions.filter((action) => action.status === "failed");
        const stop = failed[failed.length - 1];
        if (!stop) {
          this.broken("", "The run failed, but no action says why; the host's log has the details.");
          return;
        }
        const at = result.actions.indexOf(stop);
        const before = result.actions.slice(0, at).filter((action) => action.status === "succeeded").length;
        const notRun = result.actions.filter((action) => action.status === "not-run").length;
        const entry = this.entries[at];
        this.summary.className = "run-summary run-summary-failed";
        lines.push(el("p", { class: "summary-title", text: `The run stopped at step ${at + 1} of ${result.actions.length}: “${stop.name}” (${stop.type}) failed.` }));
        if (stop.error) {
          lines.push(el("p", {}, el("strong", { text: "Why: " }), stop.error.message));
          if (entry && entry.meaning) lines.push(el("p", { class: "small" }, el("code", { text: stop.error.code }), `: ${entry.meaning}`));
        }
        const after = [];
        if (before > 0) after.push(before === 1 ? "The action before it had finished; its changes stay." : `The ${before} actions before it had finished; their changes stay.`);
        if (notRun > 0) after.push(notRun === 1 ? "The action after it did not run." : `The ${notRun} actions after it did not run.`);
        if (failed.length > 1) after.push(`${plural(failed.length - 1, "earlier action", "earlier actions")} failed too, but ${failed.length === 2 ? "is" : "are"} set to let the run go on.`);
        if (after.length > 0) lines.push(el("p", { class: "small", text: after.join(" ") }));
        this.status.textContent = "";
      }
      this.summary.replaceChildren(...lines);
      this.summary.hidden = false;
      this.summary.focus();
    }

    /** The run could not go on (the host's own failure, or the connection dropped). */
    broken(code, message) {
      this.summary.className = "run-summary run-summary-failed";
      this.summary.replaceChildren(el("p", { class: "summary-title", text: "The run could not finish." }), el("p", {}, code ? el("code", { text: code }) : null, code ? " " : null, message));
      this.summary.hidden = false;
      this.status.textContent = "The run could not finish.";
      for (const entry of this.entries) if (!entry.result && entry.node.classList.contains("action-running")) this.setStatus(entry, "failed");
      this.summary.focus();
    }
  }

  /**
   * Runs the pipeline with the answers, shown in the view. Resolves with { ok: true } once the
   * run is over, or { ok: false, status, error } when the host refused it (invalid answers:
   * error.problems; nothing ran).
   */
  async function run(name, raw, view) {
    const answer = await pages.api("POST", `/api/v1/pipelines/${encodeURIComponent(name)}/run/stream`, { answers: raw }, { stream: true });
    if (!answer.ok) return { ok: false, status: answer.status, error: (answer.body && answer.body.error) || { code: `HTTP_${answer.status}`, message: `The host answered ${answer.status}.` } };
    view.reset();
    let ended = false;
    try {
      await readLines(answer.response, (line) => {
        if (line.type === "run-started") view.started(line);
        else if (line.type === "action-started") view.actionStarted(line);
        else if (line.type === "action-finished") view.actionFinished(line);
        else if (line.type === "run-finished") {
          ended = true;
          view.finished(line.result);
        } else if (line.type === "run-error") {
          ended = true;
          view.broken(line.error.code, line.error.message);
        }
      });
      if (!ended) view.broken("", "The connection to the host ended before the run did; the host's log says what happened.");
    } catch (error) {
      view.broken("", `The connection to the host broke during the run (${pages.messageOf(error)}).`);
    }
    return { ok: true };
  }

  window.SiqRun = { RunView, run };
})();
