import { Readable } from "node:stream";
import { MAX_ROW_BYTES, readJsonlRows, type RowInput } from "../../runtime/bulk";

function stream(text: string, size: number): Readable {
  const bytes = Buffer.from(text, "utf8");
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

async function read(text: string, size = 5): Promise<RowInput[]> {
  const rows: RowInput[] = [];
  for await (const row of readJsonlRows(stream(text, size), "users.jsonl")) rows.push(row);
  return rows;
}

const brief = (rows: RowInput[]) => rows.map((r) => ({ row: r.row, line: r.line, ...(r.raw ? { raw: r.raw } : {}), ...(r.problem ? { problem: r.problem.message } : {}) }));

describe("JSON Lines rows", () => {
  test.each([
    {
      name: "one answers object per line, repeats as lists of rows",
      text: '{"q1":"jdoe","q37":[{"GroupName":"Sales"}]}\n{"q1":"ann"}\n',
      rows: [
        { row: 1, line: 1, raw: { q1: "jdoe", q37: [{ GroupName: "Sales" }] } },
        { row: 2, line: 2, raw: { q1: "ann" } },
      ],
    },
    {
      name: "a BOM, CRLF, blank lines (counted as lines) and no final line break",
      text: '\ufeff{"q1":"a"}\r\n\r\n   \n{"q1":"b"}',
      rows: [
        { row: 1, line: 1, raw: { q1: "a" } },
        { row: 2, line: 4, raw: { q1: "b" } },
      ],
    },
    {
      name: "characters of several bytes split across chunks",
      text: '{"q1":"Zoë 日本"}\n{"q1":"😀"}\n',
      rows: [
        { row: 1, line: 1, raw: { q1: "Zoë 日本" } },
        { row: 2, line: 2, raw: { q1: "😀" } },
      ],
    },
    {
      name: "a line that is not JSON, or not an object, is a problem of that row only",
      text: '{"q1":"a"}\n{"q1":\n[1,2]\n"text"\n{"q1":"b"}\n',
      rows: [
        { row: 1, line: 1, raw: { q1: "a" } },
        { row: 2, line: 2, problem: expect.stringMatching(/^the line is not valid JSON: /) },
        { row: 3, line: 3, problem: expect.stringContaining("must be a JSON object") },
        { row: 4, line: 4, problem: expect.stringContaining("must be a JSON object") },
        { row: 5, line: 5, raw: { q1: "b" } },
      ],
    },
    { name: "an empty file has no rows", text: "", rows: [] },
  ])("$name", async ({ text, rows }) => {
    expect(brief(await read(text))).toEqual(rows);
    expect(brief(await read(text, 1))).toEqual(rows);
    expect(brief(await read(text, 65536))).toEqual(rows);
  });

  test("a line longer than the limit is refused without being held in memory, and the next line still reads", async () => {
    const long = `{"q1":"${"x".repeat(MAX_ROW_BYTES + 10)}"}`;
    const rows = await read(`${long}\n{"q1":"b"}\n`, 64 * 1024);
    expect(rows.map((r) => ({ row: r.row, line: r.line, ...(r.problem ? { problem: r.problem.message } : { raw: JSON.stringify(r.raw).slice(0, 20) }) }))).toEqual([
      { row: 1, line: 1, problem: `the line is longer than ${MAX_ROW_BYTES} characters` },
      { row: 2, line: 2, raw: '{"q1":"b"}' },
    ]);
  });

  test("each row carries the byte offset just after it, for progress", async () => {
    const text = '{"q1":"é"}\n{"q1":"b"}\n';
    const rows = await read(text, 3);
    expect(rows.map((r) => r.end)).toEqual([Buffer.byteLength('{"q1":"é"}\n'), Buffer.byteLength(text)]);
  });
});
