/**
 * How far ahead of the rows taken the CSV parser works. Its records wait, parsed, until a run
 * slot takes them; too many and they outlive young-generation collections and fill V8's old
 * generation with garbage (see docs/performance.md, scenario 8b). The parser is wrapped to count
 * the records it has produced.
 */
import { Readable } from "node:stream";
import type * as CsvParse from "csv-parse";
import type { Question } from "../../runtime/pipeline/types";

let produced = 0;
jest.mock("csv-parse", () => {
  const actual = jest.requireActual<typeof CsvParse>("csv-parse");
  return {
    ...actual,
    parse: (...args: Parameters<typeof actual.parse>) => {
      const parser = actual.parse(...args);
      const push = parser.push.bind(parser);
      parser.push = (chunk: unknown) => {
        if (chunk !== null) produced++;
        return push(chunk);
      };
      return parser;
    },
  };
});

// jest hoists jest.mock above the imports, so these see the wrapped parser.
import { readCsvRows } from "../../runtime/bulk";
import { PARSE_SLICE_BYTES } from "../../runtime/bulk/csv-rows";

const QUESTIONS: Record<string, Question> = { q1: { label: "Username", type: "text", required: true }, q2: { label: "Email", type: "text" } };

test("rows are parsed a slice at a time, not a whole read of the file ahead of the rows taken", async () => {
  produced = 0;
  const lines = ["q1,q2"];
  for (let i = 0; i < 5000; i++) lines.push(`user${i},user${i}@example.com`);
  // One chunk of the whole file, as a 64 KiB read of a file of short rows delivers it.
  const rows = readCsvRows(Readable.from([Buffer.from(`${lines.join("\n")}\n`)]), QUESTIONS, "users.csv");
  // The most rows one slice can hold: the shortest row is the first.
  const perSlice = Math.ceil(PARSE_SLICE_BYTES / "user0,user0@example.com\n".length);

  const seen: number[] = [];
  const iterator = rows[Symbol.asyncIterator]();
  for (let taken = 1; taken <= 1000; taken++) {
    const next = await iterator.next();
    expect(next.done).toBe(false);
    // Records parsed but not yet taken (the header is one record): at most a slice's worth (a
    // record cut by a slice's end is completed by the next slice).
    seen.push(produced - 1 - taken);
  }
  expect(Math.max(...seen)).toBeLessThanOrEqual(perSlice + 1);

  let rest = 0;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest++;
  expect(rest).toBe(4000);
});
