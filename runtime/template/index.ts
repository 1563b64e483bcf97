/**
 * Templates (SPEC 3, 11.6): Handlebars text with `{{q1}}`, `{{q37.GroupName}}`,
 * `{{[Create User].[User Guid]}}`, formula functions as helpers (`{{jsonEncode q1}}`), and every
 * inserted value escaped for where it lands in a JSON, XML or URL document.
 */
export { analyzeTemplate, clearTemplateCache } from "./analyze";
export type { CompiledTemplate, TemplateAnalysis, TemplateKind, TemplateProblem, TemplateReference, TemplateWarning } from "./analyze";
