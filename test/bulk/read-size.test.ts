/**
 * The rows file is read a few KiB at a time: a chunk stays referenced until its last row is taken,
 * and long-lived chunks were promoted to V8's old generation and freed only by full collections
 * (docs/performance.md, 8b).
 */
import type * as Fs from "node:fs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openRows } from "../../runtime/bulk";
import { READ_BYTES } from "../../runtime/bulk/rows";
import type { Question } from "../../runtime/pipeline/types";

/** Sizes of the chunks read by every read stream opened since the last test began. */
const chunks: number[] = [];
jest.mock("node:fs", () => {
  const actual = jest.requireActual<typeof Fs>("node:fs");
  return {
    ...actual,
    createReadStream: (...args: Parameters<typeof Fs.createReadStream>) => {
      const stream = actual.createReadStream(...args);
      stream.on("data", (chunk) => chunks.push(chunk.length));
      return stream;
    },
  };
});

const QUESTIONS: Record<string, Question> = { q1: { label: "Username", type: "text", required: true } };

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "siq-bulk-read-"));
  chunks.length = 0;
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

test.each(["rows.csv", "rows.jsonl"])("%s is read 4 KiB at a time, and every row arrives", async (name) => {
  const count = 3000;
  const lines = name.endsWith(".csv") ? ["q1", ...Array.from({ length: count }, (_, i) => `user${i}`)] : Array.from({ length: count }, (_, i) => JSON.stringify({ q1: `user${i}` }));
  const file = join(folder, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  const source = await openRows(file, name, QUESTIONS);
  let rows = 0;
  for await (const row of source.rows) {
    expect(row.raw).toEqual({ q1: `user${rows}` });
    rows++;
  }
  expect(rows).toBe(count);
  expect(chunks.length).toBeGreaterThan(5);
  expect(Math.max(...chunks)).toBe(READ_BYTES);
});
