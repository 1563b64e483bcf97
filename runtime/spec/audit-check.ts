/**
 * `expect.audit`: records that must have been written, in order, each compared on the fields it
 * lists. Other records may come before, between and after them.
 */
import type { ExpectedAudit } from "../../schemas/spec";
import type { StoredAuditRecord } from "../directory";
import { formatJsonPath } from "../pipeline/problems";
import { describeActual, describeExpected, matchValue, type MatchContext, type Mismatch } from "./matchers";

export interface AuditFailure {
  /** The index in expect.audit. */
  index: number;
  message: string;
}

const FIELDS = ["event", "user", "asUser", "method", "url", "status", "detail", "time"] as const;

function compare(expected: ExpectedAudit, actual: StoredAuditRecord, context: MatchContext | undefined): Mismatch[] {
  const out: Mismatch[] = [];
  for (const field of FIELDS) {
    if (expected[field] !== undefined) matchValue(expected[field], actual[field], out, [field], context);
  }
  return out;
}

/** Finds each expected record after the previous one's match; reports the first that has none. */
export function checkAudit(expected: readonly ExpectedAudit[], actual: readonly StoredAuditRecord[], context?: MatchContext): AuditFailure[] {
  let next = 0;
  for (let index = 0; index < expected.length; index++) {
    const wanted = expected[index] as ExpectedAudit;
    let found = -1;
    let nearest: { at: number; mismatches: Mismatch[] } | undefined;
    for (let at = next; at < actual.length; at++) {
      const mismatches = compare(wanted, actual[at] as StoredAuditRecord, context);
      if (mismatches.length === 0) {
        found = at;
        break;
      }
      if (!nearest || mismatches.length < nearest.mismatches.length) nearest = { at, mismatches };
    }
    if (found >= 0) {
      next = found + 1;
      continue;
    }
    const where = next === 0 ? "" : ` after the record that matched audit[${index - 1}]`;
    const lines = [`no audit record${where} matches ${describeExpected(wanted)} (${actual.length} record${actual.length === 1 ? "" : "s"} written in all)`];
    if (nearest) {
      const record = actual[nearest.at] as StoredAuditRecord;
      lines.push(`  nearest: record ${nearest.at + 1} ${describeActual(shown(record))}`);
      for (const m of nearest.mismatches) lines.push(`    ${formatJsonPath(m.path)}: expected ${m.expected}, got ${m.actual}`);
    }
    // Later records are looked for only after this one, so one missing record is one failure.
    return [{ index, message: lines.join("\n") }];
  }
  return [];
}

function shown(record: StoredAuditRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of FIELDS) if (record[field] !== undefined) out[field] = record[field];
  return out;
}
