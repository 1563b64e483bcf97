/**
 * The names the engine gives every connector action, and the `{{Name}}` placeholders of
 * connector templates (paths, query and header text, error messages). Kept apart from the
 * checker so the running engine does not load what only checking needs.
 */

/** The input every connector action gets from the engine: the pipeline connection to use. */
export const CONNECTION_INPUT = "Connection";
/** The output every connector action gets from the engine: the last response's status code. */
export const HTTP_STATUS_OUTPUT = "HTTP Status";

/** The `{{$...}}` placeholders an error message may use besides input names. */
export const MESSAGE_VARIABLES: readonly string[] = [
  "$status",
  "$method",
  "$path",
  "$connection",
  "$action",
  "$error.code",
  "$error.message",
  "$error.fields",
];

export interface Placeholder {
  /** The name between the braces, trimmed. */
  name: string;
  /** Offsets of `{{` and just after `}}` in the template. */
  start: number;
  end: number;
}

/**
 * The `{{Name}}` placeholders of a template, in order. `malformed` is true when braces are left
 * that do not form a placeholder (a lone `{{`, `}}`, or `{{{`), which the engine must refuse.
 */
export function parsePlaceholders(template: string): { placeholders: Placeholder[]; malformed: boolean } {
  const placeholders: Placeholder[] = [];
  const pattern = /\{\{([^{}]*)\}\}/g;
  let rest = "";
  let last = 0;
  for (let match = pattern.exec(template); match; match = pattern.exec(template)) {
    placeholders.push({ name: (match[1] ?? "").trim(), start: match.index, end: match.index + match[0].length });
    rest += template.slice(last, match.index);
    last = match.index + match[0].length;
  }
  rest += template.slice(last);
  // Raw insertion ({{{x}}}) does not exist here: a brace next to a placeholder is refused too.
  const malformed =
    rest.includes("{{") ||
    rest.includes("}}") ||
    placeholders.some((p) => p.name === "" || template[p.start - 1] === "{" || template[p.end] === "}");
  return { placeholders, malformed };
}

const parsed = new Map<string, Placeholder[]>();

/** The placeholders of a template from a connector file, parsed once (connector text is bounded). */
export function placeholdersOf(template: string): readonly Placeholder[] {
  let found = parsed.get(template);
  if (!found) {
    found = parsePlaceholders(template).placeholders;
    parsed.set(template, found);
  }
  return found;
}
