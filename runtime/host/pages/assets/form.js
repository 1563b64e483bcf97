/*
 * A pipeline's form page (/pipelines/{name}): the form built from its questions, checked here
 * and again by the host, submitted to the streaming run endpoint, with each action shown as it
 * finishes.
 */
"use strict";
(() => {
  const pages = window.SiqPages;
  const { el } = pages;
  const name = decodeURIComponent(location.pathname.replace(/^\/pipelines\//, "").replace(/\/$/, ""));
  const formNode = document.getElementById("pipeline-form");
  const submit = document.getElementById("submit");
  const summary = document.getElementById("error-summary");
  const summaryTitle = document.getElementById("error-summary-title");
  const summaryList = document.getElementById("error-summary-list");
  const view = new window.SiqRun.RunView(document.getElementById("run"));
  let baseTitle = document.title;
  let questions = {};
  let fields = null;
  let running = false;

  /** The error summary: one link per problem, to its field; focused so it is read out first. */
  function showSummary(entries, fromHost) {
    summaryList.replaceChildren(
      ...entries.map((entry) => {
        if (!entry.control) return el("li", { text: entry.text });
        const link = el("a", { href: `#${entry.control.id}`, text: entry.text });
        link.addEventListener("click", (event) => {
          event.preventDefault();
          entry.control.focus();
          entry.control.scrollIntoView({ block: "center" });
        });
        return el("li", {}, link);
      }),
    );
    const count = entries.length;
    summaryTitle.textContent = `${count === 1 ? "There is a problem with an answer" : `There are problems with ${count} answers`}${fromHost ? " (checked by the host; nothing ran)" : ""}`;
    summary.hidden = false;
    document.title = `Error: ${baseTitle}`;
    summary.focus();
  }

  function hideSummary() {
    summary.hidden = true;
    document.title = baseTitle;
  }

  function setRunning(on) {
    running = on;
    submit.disabled = on;
    submit.textContent = on ? "Running…" : "Submit";
    if (on) formNode.setAttribute("aria-busy", "true");
    else formNode.removeAttribute("aria-busy");
  }

  async function onSubmit(event) {
    event.preventDefault();
    if (running) return;
    fields.clearProblems();
    hideSummary();
    document.getElementById("page-alert").hidden = true;
    const { raw, rowsSent } = fields.collect();
    const problems = window.SiqValidate.validateAnswers(questions, raw);
    if (problems.length > 0) {
      showSummary(fields.showProblems(problems, rowsSent), false);
      return;
    }
    setRunning(true);
    try {
      const outcome = await window.SiqRun.run(name, raw, view);
      if (!outcome.ok) {
        const { error } = outcome;
        if (error.code === "ANSWERS_INVALID" && Array.isArray(error.problems)) showSummary(fields.showProblems(error.problems, rowsSent), true);
        else pages.showAlert("error", `The host did not run the form (${error.code}).`, [error.message]);
      }
    } catch (error) {
      pages.showAlert("error", "The host did not answer.", [`Check that siq serve is still running, then submit again. (${pages.messageOf(error)})`]);
    } finally {
      setRunning(false);
    }
  }

  function showPipeline(pipeline) {
    const title = pipeline.title || pipeline.name;
    document.getElementById("form-title").textContent = title;
    baseTitle = `${title} · siq forms`;
    document.title = baseTitle;
    if (pipeline.description) {
      const description = document.getElementById("form-description");
      description.textContent = pipeline.description;
      description.hidden = false;
    }
    const file = document.getElementById("form-file");
    file.textContent = `${pipeline.name}.pipeline.json`;
    file.hidden = false;
    if (!pipeline.valid) {
      pages.showAlert(
        "error",
        "This pipeline file has problems, so its form cannot run. Fix them (siq validate lists them too):",
        (pipeline.problems || []).map((problem) => `${problem.path}: ${problem.message}`),
      );
      return;
    }
    questions = pipeline.questions || {};
    fields = window.SiqFields.render(document.getElementById("questions"), questions);
    formNode.addEventListener("submit", onSubmit);
    formNode.hidden = false;
    document.getElementById("run").hidden = false;
  }

  async function load() {
    try {
      await pages.loadSession();
      const answer = await pages.api("GET", "/api/v1/pipelines?top=1000");
      if (!answer.ok) {
        const error = (answer.body && answer.body.error) || {};
        pages.showAlert("error", "The form could not be loaded.", [error.message || `HTTP ${answer.status}`]);
        return;
      }
      const pipeline = (answer.body.items || []).find((item) => item.name === name);
      if (!pipeline) {
        document.getElementById("form-title").textContent = "No such form";
        pages.showAlert("error", `There is no pipeline “${name}” in the host's pipelines folder.`, ["Go back to all forms to pick one."]);
        return;
      }
      showPipeline(pipeline);
    } catch (error) {
      pages.showAlert("error", "The host did not answer.", [pages.messageOf(error)]);
    }
  }

  load();
})();
