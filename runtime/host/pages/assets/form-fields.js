/*
 * A form's fields, built from a pipeline's questions: text (and email), number, boolean, date,
 * choice, multichoice, and repeat sections with rows added and removed. Collects the answers
 * as the run endpoint takes them, and shows each problem beside the field it is about.
 */
"use strict";
(() => {
  const { el } = window.SiqPages;
  const { REASONS } = window.SiqValidate;

  /** The words shown for a problem: "Email is not a valid email address (...)". */
  function sentence(subject, reason) {
    if (reason === REASONS.required) return `${subject} is required.`;
    return `${subject} ${reason}${/[.)]$/.test(reason) ? "" : "."}`;
  }

  const requiredMark = (required) => (required ? el("span", { class: "required-mark", "aria-hidden": "true", text: "*" }) : null);
  const requiredWord = (required) => (required ? el("span", { class: "visually-hidden", text: " (required)" }) : null);

  function inputFor(type, id, format) {
    if (type === "number") return el("input", { id, type: "text", inputmode: "decimal", autocomplete: "off", class: "input input-narrow" });
    if (type === "date") return el("input", { id, type: "date", class: "input input-narrow" });
    if (format === "email") return el("input", { id, type: "email", autocomplete: "off", spellcheck: "false", autocapitalize: "none", class: "input" });
    return el("input", { id, type: "text", autocomplete: "off", class: "input" });
  }

  /** What a text-like control holds: undefined when blank; a date the browser could not complete is a wrong date. */
  function controlValue(control) {
    if (control.type === "date" && control.validity.badInput) return "incomplete date";
    return control.value.trim() === "" ? undefined : control.value;
  }

  /**
   * A place for an error beside a control: shows it, marks the control aria-invalid, and adds
   * the error to what the control's description reads out.
   */
  class ErrorSlot {
    constructor(id, control, hint, marked) {
      this.node = el("p", { class: "field-error", id, hidden: true });
      this.control = control;
      this.hint = hint;
      this.marked = marked;
      this.describe(false);
    }

    set(text) {
      this.node.replaceChildren(...(text ? [el("span", { class: "visually-hidden", text: "Error: " }), text] : []));
      this.node.hidden = !text;
      if (this.marked) this.marked.classList.toggle("is-invalid", Boolean(text));
      if (text) this.control.setAttribute("aria-invalid", "true");
      else this.control.removeAttribute("aria-invalid");
      this.describe(Boolean(text));
    }

    describe(withError) {
      const ids = [this.hint && this.hint.id, withError && this.node.id].filter(Boolean);
      if (ids.length > 0) this.control.setAttribute("aria-describedby", ids.join(" "));
      else this.control.removeAttribute("aria-describedby");
    }
  }

  /** text, number, date (an input) and choice (a select with a blank first option): one labelled control. */
  class InputQuestion {
    constructor(id, question) {
      const baseId = `q-${id}`;
      this.question = question;
      this.control =
        question.type === "choice"
          ? el("select", { id: baseId, class: "input" }, el("option", { value: "", text: "Choose…" }), (question.options || []).map((option) => el("option", { value: option, text: option })))
          : inputFor(question.type, baseId, question.format);
      if (question.required) this.control.setAttribute("aria-required", "true");
      const hint = question.description ? el("p", { class: "hint", id: `${baseId}-hint`, text: question.description }) : null;
      this.node = el("div", { class: "question" });
      this.error = new ErrorSlot(`${baseId}-error`, this.control, hint, this.node);
      this.node.append(el("label", { for: baseId, class: "question-label" }, question.label, requiredMark(question.required)), ...[hint, this.error.node, this.control].filter(Boolean));
    }

    collect() {
      if (this.question.type === "choice") return { value: this.control.value === "" ? undefined : this.control.value };
      return { value: controlValue(this.control) };
    }

    clear() {
      this.error.set("");
    }

    show(problem) {
      const text = sentence(this.question.label, problem.reason);
      this.error.set(text);
      return { text, control: this.control };
    }
  }

  /** boolean (Yes / No radios) and multichoice (checkboxes): a fieldset whose legend is the label. */
  class OptionsQuestion {
    constructor(id, question, kind, choices) {
      const baseId = `q-${id}`;
      this.question = question;
      this.kind = kind;
      const all = kind === "radio" && !question.required ? [...choices, { value: "", label: "No answer" }] : choices;
      this.controls = all.map((choice, index) => {
        const input = el("input", { type: kind, id: `${baseId}-${index}`, name: baseId, value: choice.value, class: kind });
        if (choice.value === "" && kind === "radio") input.checked = true;
        return input;
      });
      const hint = question.description ? el("p", { class: "hint", id: `${baseId}-hint`, text: question.description }) : null;
      this.node = el("fieldset", { class: "question question-group", id: `${baseId}-group` });
      if (kind === "radio") this.node.setAttribute("role", "radiogroup");
      if (kind === "radio" && question.required) this.node.setAttribute("aria-required", "true");
      this.error = new ErrorSlot(`${baseId}-error`, this.node, hint, this.node);
      const options = this.controls.map((input, index) => el("div", { class: "choice" }, input, el("label", { for: input.id, text: all[index].label })));
      this.node.append(
        el("legend", { class: "question-label" }, question.label, requiredMark(question.required), requiredWord(question.required && kind !== "radio")),
        ...[hint, this.error.node].filter(Boolean),
        el("div", { class: kind === "radio" ? "choices choices-inline" : "choices" }, options),
      );
    }

    collect() {
      const checked = this.controls.filter((input) => input.checked && input.value !== "");
      if (this.kind === "radio") return { value: checked.length > 0 ? checked[0].value === "true" : undefined };
      return { value: checked.length > 0 ? checked.map((input) => input.value) : undefined };
    }

    clear() {
      this.error.set("");
    }

    show(problem) {
      const text = sentence(this.question.label, problem.reason);
      this.error.set(text);
      // The summary's link goes to the first option: a fieldset takes no focus.
      return { text, control: this.controls[0] };
    }
  }

  /** One row of a repeat: a fieldset of its fields, with a Remove button. */
  class RepeatRow {
    constructor(repeat, key) {
      const baseId = `${repeat.baseId}-r${key}`;
      this.legend = el("legend", { class: "row-legend" });
      this.removeLabel = el("span", { class: "visually-hidden" });
      this.removeButton = el("button", { type: "button", class: "button button-quiet button-small remove-row" }, "Remove", this.removeLabel);
      this.error = el("p", { class: "field-error", id: `${baseId}-error`, hidden: true });
      this.cells = Object.entries(repeat.question.fields || {}).map(([name, type], index) => {
        const cellId = `${baseId}-f${index}`;
        const wrapper = el("div", { class: type === "boolean" ? "cell cell-boolean" : "cell" });
        const control = type === "boolean" ? el("input", { type: "checkbox", id: cellId, class: "checkbox" }) : inputFor(type, cellId);
        const error = new ErrorSlot(`${cellId}-error`, control, null, wrapper);
        if (type === "boolean") wrapper.append(error.node, el("div", { class: "choice" }, control, el("label", { for: cellId, text: name })));
        else wrapper.append(el("label", { for: cellId, class: "cell-label", text: name }), error.node, control);
        return { name, type, control, error, wrapper };
      });
      this.node = el(
        "fieldset",
        { class: "repeat-row" },
        this.legend,
        this.error,
        el("div", { class: "row-cells" }, this.cells.map((cell) => cell.wrapper)),
        el("div", { class: "row-actions" }, this.removeButton),
      );
      this.removeButton.addEventListener("click", () => repeat.removeRow(this));
    }

    number(position, label) {
      this.legend.textContent = `Row ${position}`;
      this.removeLabel.textContent = ` row ${position} of ${label}`;
    }

    /** The row's answers, or undefined when every field is blank (blank rows are not sent). */
    collect() {
      const out = {};
      for (const cell of this.cells) {
        const value = cell.type === "boolean" ? (cell.control.checked ? true : undefined) : controlValue(cell.control);
        if (value !== undefined) out[cell.name] = value;
      }
      if (Object.keys(out).length === 0) return undefined;
      // A checkbox left clear is an answer (false) once the row has any other answer.
      for (const cell of this.cells) if (cell.type === "boolean" && out[cell.name] === undefined) out[cell.name] = false;
      return out;
    }

    clear() {
      this.error.hidden = true;
      this.node.classList.remove("is-invalid");
      for (const cell of this.cells) cell.error.set("");
    }

    focus() {
      if (this.cells[0]) this.cells[0].control.focus();
      else this.removeButton.focus();
    }
  }

  /** repeat: a fieldset of rows, with Add a row and Remove per row; starts with one row. */
  class RepeatQuestion {
    constructor(id, question, live) {
      this.baseId = `q-${id}`;
      this.question = question;
      this.live = live;
      this.rows = [];
      this.nextKey = 1;
      const hint = question.description ? el("p", { class: "hint", id: `${this.baseId}-hint`, text: question.description }) : null;
      this.rowsBox = el("div", { class: "repeat-rows" });
      this.empty = el("p", { class: "muted small repeat-empty", text: "No rows. Add one if this applies." });
      this.addButton = el("button", { type: "button", class: "button button-secondary button-small add-row" }, "Add a row", el("span", { class: "visually-hidden", text: ` to ${question.label}` }));
      this.node = el("fieldset", { class: "question question-repeat", id: `${this.baseId}-group` });
      this.error = new ErrorSlot(`${this.baseId}-error`, this.node, hint, this.node);
      this.node.append(
        el("legend", { class: "question-label" }, question.label, requiredMark(question.required), requiredWord(question.required)),
        ...[hint, this.error.node].filter(Boolean),
        this.rowsBox,
        this.empty,
        this.addButton,
      );
      this.addButton.addEventListener("click", () => this.addRow(true));
      this.addRow(false);
    }

    renumber() {
      this.rows.forEach((row, index) => row.number(index + 1, this.question.label));
      this.empty.hidden = this.rows.length > 0;
    }

    addRow(announce) {
      const row = new RepeatRow(this, this.nextKey++);
      this.rows.push(row);
      this.rowsBox.append(row.node);
      this.renumber();
      if (announce) {
        row.focus();
        this.live.textContent = `Row ${this.rows.length} added to ${this.question.label}.`;
      }
    }

    removeRow(row) {
      const at = this.rows.indexOf(row);
      if (at < 0) return;
      this.rows.splice(at, 1);
      row.node.remove();
      this.renumber();
      const next = this.rows[at] || this.rows[at - 1];
      if (next) next.focus();
      else this.addButton.focus();
      const left = this.rows.length === 1 ? "1 row" : `${this.rows.length} rows`;
      this.live.textContent = `Row ${at + 1} removed from ${this.question.label}; ${left} left.`;
    }

    collect() {
      // Rows left blank are not sent; the host numbers the rows it gets, so remember which they were.
      const sent = [];
      const values = [];
      for (const row of this.rows) {
        const value = row.collect();
        if (value === undefined) continue;
        sent.push(row);
        values.push(value);
      }
      return { value: values.length > 0 ? values : undefined, rows: sent };
    }

    clear() {
      this.error.set("");
      for (const row of this.rows) row.clear();
    }

    firstControl() {
      return this.rows[0] && this.rows[0].cells[0] ? this.rows[0].cells[0].control : this.addButton;
    }

    show(problem, rowsSent) {
      const row = problem.row !== undefined ? rowsSent[problem.row - 1] : undefined;
      if (!row) {
        const text = sentence(this.question.label, problem.reason);
        this.error.set(text);
        return { text, control: this.firstControl() };
      }
      const position = this.rows.indexOf(row) + 1;
      row.node.classList.add("is-invalid");
      const cell = row.cells.find((candidate) => candidate.name === problem.field);
      if (cell) {
        cell.error.set(sentence(cell.name, problem.reason));
        return { text: `${this.question.label}, row ${position}: ${sentence(cell.name, problem.reason)}`, control: cell.control };
      }
      row.error.textContent = sentence("This row", problem.reason);
      row.error.hidden = false;
      return { text: `${this.question.label}, row ${position}: ${sentence("the row", problem.reason)}`, control: row.cells[0] ? row.cells[0].control : row.removeButton };
    }
  }

  function buildQuestion(id, question, live) {
    switch (question.type) {
      case "boolean":
        return new OptionsQuestion(id, question, "radio", [
          { value: "true", label: "Yes" },
          { value: "false", label: "No" },
        ]);
      case "multichoice":
        return new OptionsQuestion(id, question, "checkbox", (question.options || []).map((option) => ({ value: option, label: option })));
      case "repeat":
        return new RepeatQuestion(id, question, live);
      default:
        return new InputQuestion(id, question);
    }
  }

  /** Builds the form's fields into `container`; answers the form's controller. */
  function render(container, questions) {
    const live = el("div", { class: "visually-hidden", "aria-live": "polite" });
    const fields = new Map(Object.entries(questions).map(([id, question]) => [id, buildQuestion(id, question, live)]));
    container.append(...[...fields.values()].map((field) => field.node), live);
    return {
      /** { raw: answers as the run endpoint takes them, rowsSent: the rows of each repeat that were sent } */
      collect() {
        const raw = {};
        const rowsSent = {};
        for (const [id, field] of fields) {
          const collected = field.collect();
          if (collected.rows) rowsSent[id] = collected.rows;
          if (collected.value !== undefined) raw[id] = collected.value;
        }
        return { raw, rowsSent };
      },
      clearProblems() {
        for (const field of fields.values()) field.clear();
      },
      /** Shows problems beside their fields; answers the error summary's entries { text, control }. */
      showProblems(problems, rowsSent) {
        return problems.map((problem) => {
          const field = fields.get(problem.question);
          if (!field) return { text: problem.message || `${problem.question} ${problem.reason}`, control: null };
          return field.show(problem, rowsSent[problem.question] || []);
        });
      },
    };
  }

  window.SiqFields = { render, sentence };
})();
