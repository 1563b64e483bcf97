/** The document types a template can produce; each escapes inserted values its own way. */
export type TemplateKind = "text" | "json" | "xml" | "url";
