/**
 * The document types a template can produce; each escapes inserted values its own way. `line`
 * is text whose lines are items (`Name: value` header lines, `name=value` custom fields): an
 * inserted value may not hold a line break, which would add an item.
 */
export type TemplateKind = "text" | "json" | "xml" | "url" | "line";
