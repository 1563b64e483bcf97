/**
 * The HTTP part of a spec's verdict: each request no entry matched, shown next to the nearest
 * entry with the parts that differ; and each entry that answered fewer requests than it must.
 */
import type { SpecHttpEntry } from "../../schemas/spec";
import type { Redactor } from "../redact";
import type { SpecHttp } from "./mock-http";
import { differingParts } from "./request-match";
import { requestRecord, showEntryRequest, showMismatch, showRequest } from "./show-request";
import type { SpecFailure } from "./types";

export function httpFailures(http: SpecHttp, entries: readonly SpecHttpEntry[], redactor: Redactor): SpecFailure[] {
  const failures: SpecFailure[] = [];
  for (const { request, nearest } of http.unmatched) {
    const lines = ["unexpected request: no http entry matches it", ...showRequest(requestRecord(request, redactor, undefined), "  ")];
    if (!nearest) {
      lines.push("  the spec has no http entries: add one for this request");
    } else {
      const entry = entries[nearest.index] as SpecHttpEntry;
      const title = `nearest entry http[${nearest.index}]: ${showEntryRequest(entry.request)}`;
      if (nearest.usedUp) {
        const times = entry.times ?? 1;
        lines.push(`  ${title}`, `    matches, but has already answered its ${times} request${times === 1 ? "" : "s"} (set "times" to answer more, or add another entry)`);
      } else {
        const parts = differingParts(nearest.comparison);
        lines.push(`  ${title}, differs in ${parts.join(", ")}:`);
        for (const part of parts) for (const mismatch of nearest.comparison[part]) lines.push(`    ${showMismatch(mismatch, redactor)}`);
      }
    }
    failures.push({ path: "http", message: lines.join("\n") });
  }
  for (const use of http.unused()) {
    const entry = entries[use.index] as SpecHttpEntry;
    const what = use.used === 0 ? "was never requested" : `was requested ${use.used} of ${use.times} times`;
    failures.push({ path: `http[${use.index}]`, message: `${showEntryRequest(entry.request)} ${what}` });
  }
  return failures;
}
