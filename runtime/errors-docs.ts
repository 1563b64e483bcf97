/** docs/errors.md, written from ERROR_CODES so the list of codes and their meanings cannot drift. */
import { ERROR_CODES } from "./errors";

export function renderErrorDocs(): string {
  const lines = [
    "# Error codes",
    "",
    "<!-- Written from runtime/errors.ts by `npm run docs`; a test fails when it is out of date. -->",
    "",
    "Every error siq-actions reports carries one of these stable codes (`error.code` in results,",
    "`code` in problem lists). Decide on the code, never on the message text. Declarative",
    "connectors add vendor-prefixed codes of their own (docs/connectors.md).",
    "",
    "| Code | Meaning |",
    "|---|---|",
  ];
  for (const [code, meaning] of Object.entries(ERROR_CODES).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`| \`${code}\` | ${meaning.replace(/\|/g, "\\|")} |`);
  }
  return `${lines.join("\n")}\n`;
}
