/* The list page: every pipeline of the host's folder, linking to its form; broken ones say why. */
"use strict";
(() => {
  const pages = window.SiqPages;
  const { el } = pages;

  function questionCount(pipeline) {
    const count = Object.keys(pipeline.questions || {}).length;
    return count === 1 ? "1 question" : `${count} questions`;
  }

  function card(pipeline) {
    const file = `${pipeline.name}.pipeline.json`;
    const title = pipeline.title || pipeline.name;
    if (!pipeline.valid) {
      const problems = (pipeline.problems || []).filter((problem) => problem.severity !== "warning");
      return el(
        "li",
        { class: "pipeline-card pipeline-card-invalid" },
        el("h2", { class: "pipeline-title", text: title }),
        el("p", { class: "pipeline-meta" }, el("span", { class: "badge badge-failed", text: "Cannot run" }), ` ${file}`),
        el("p", { text: "This pipeline file has problems, so its form is not offered. Fix them (siq validate lists them too):" }),
        el("ul", { class: "problem-list" }, problems.slice(0, 8).map((problem) => el("li", {}, el("code", { text: problem.path }), ` ${problem.message}`))),
      );
    }
    return el(
      "li",
      { class: "pipeline-card" },
      el("h2", { class: "pipeline-title" }, el("a", { href: `/pipelines/${encodeURIComponent(pipeline.name)}`, class: "pipeline-link", text: title })),
      pipeline.description ? el("p", { class: "pipeline-description", text: pipeline.description }) : null,
      el("p", { class: "pipeline-meta", text: `${file} · ${questionCount(pipeline)}` }),
    );
  }

  async function show() {
    const loading = document.getElementById("loading");
    try {
      await pages.loadSession();
      const answer = await pages.api("GET", "/api/v1/pipelines?top=1000");
      loading.hidden = true;
      if (!answer.ok) {
        const error = (answer.body && answer.body.error) || {};
        pages.showAlert("error", "The pipelines could not be listed.", [error.message || `HTTP ${answer.status}`]);
        return;
      }
      const items = answer.body.items || [];
      if (items.length === 0) {
        pages.showAlert("info", "No forms yet.", ["The host's pipelines folder has no *.pipeline.json files. Start the host with siq serve --pipelines DIR."]);
        return;
      }
      const list = document.getElementById("pipelines");
      list.append(...items.map(card));
      list.hidden = false;
    } catch (error) {
      loading.hidden = true;
      pages.showAlert("error", "The host did not answer.", [pages.messageOf(error)]);
    }
  }

  show();
})();
