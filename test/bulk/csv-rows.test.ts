import { Readable } from "node:stream";
import fc from "fast-check";
import { readCsvRows, type RowInput, type RowsFileProblem } from "../../runtime/bulk";
import { PARSE_SLICE_BYTES } from "../../runtime/bulk/csv-rows";
import type { SiqError } from "../../runtime/errors";
import type { Question } from "../../runtime/pipeline/types";

const QUESTIONS: Record<string, Question> = {
  q1: { label: "Username", type: "text", required: true },
  q2: { label: "Email", type: "text" },
  q3: { label: "Age", type: "number" },
  q37: { label: "Groups", type: "repeat", fields: { GroupName: "text", Role: "text" } },
};

/** Feeds the text in chunks of `size` bytes, so records and line breaks straddle chunks. */
function stream(text: string, size = 7): Readable {
  const bytes = Buffer.from(text, "utf8");
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

async function read(text: string, size?: number): Promise<RowInput[]> {
  const rows: RowInput[] = [];
  for await (const row of readCsvRows(stream(text, size), QUESTIONS, "users.csv")) rows.push(row);
  return rows;
}

async function readError(text: string): Promise<{ rows: RowInput[]; error: SiqError }> {
  const rows: RowInput[] = [];
  try {
    for await (const row of readCsvRows(stream(text), QUESTIONS, "users.csv")) rows.push(row);
  } catch (error) {
    return { rows, error: error as SiqError };
  }
  throw new Error("expected the rows file to be refused");
}

const brief = (rows: RowInput[]) => rows.map((r) => ({ row: r.row, line: r.line, ...(r.raw ? { raw: r.raw } : {}), ...(r.problem ? { problem: r.problem.message } : {}) }));

describe("CSV rows", () => {
  test.each([
    {
      name: "header of question ids, one run per row",
      text: "q1,q2,q3\njdoe,jdoe@example.com,12\nann,ann@example.com,\n",
      rows: [
        { row: 1, line: 2, raw: { q1: "jdoe", q2: "jdoe@example.com", q3: "12" } },
        { row: 2, line: 3, raw: { q1: "ann", q2: "ann@example.com", q3: "" } },
      ],
    },
    {
      name: "a BOM, CRLF line ends and no final line break",
      text: "\ufeffq1,q2\r\njdoe,a@example.com\r\nann,b@example.com",
      rows: [
        { row: 1, line: 2, raw: { q1: "jdoe", q2: "a@example.com" } },
        { row: 2, line: 3, raw: { q1: "ann", q2: "b@example.com" } },
      ],
    },
    {
      name: "quoted cells with commas, doubled quotes and line breaks; later rows keep their physical line",
      text: 'q1,q2\n"doe, john","say ""hi""\nthen\nbye"\nann,x\n',
      rows: [
        { row: 1, line: 2, raw: { q1: "doe, john", q2: 'say "hi"\nthen\nbye' } },
        { row: 2, line: 5, raw: { q1: "ann", q2: "x" } },
      ],
    },
    {
      name: "a CRLF inside a quoted cell counts as one line",
      text: 'q1,q2\r\n"a","x\r\ny"\r\nb,z\r\n',
      rows: [
        { row: 1, line: 2, raw: { q1: "a", q2: "x\r\ny" } },
        { row: 2, line: 4, raw: { q1: "b", q2: "z" } },
      ],
    },
    {
      name: "blank lines and rows of empty cells are not rows, but count as lines",
      text: "q1,q2\n\njdoe,x\n,\n\r\nann,y\n",
      rows: [
        { row: 1, line: 3, raw: { q1: "jdoe", q2: "x" } },
        { row: 2, line: 6, raw: { q1: "ann", q2: "y" } },
      ],
    },
    {
      name: "repeat fields: one column per field, |-separated values, one per repeat row",
      text: "q1,q37.GroupName,q37.Role\njdoe,Sales|Support,Lead|Member\nann,,\n",
      rows: [
        {
          row: 1,
          line: 2,
          raw: {
            q1: "jdoe",
            q37: [
              { GroupName: "Sales", Role: "Lead" },
              { GroupName: "Support", Role: "Member" },
            ],
          },
        },
        { row: 2, line: 3, raw: { q1: "ann", q37: [] } },
      ],
    },
    {
      name: "a row with too few or too many cells is a problem of that row only",
      text: "q1,q2\njdoe\nann,x,extra\nbob,y\n",
      rows: [
        { row: 1, line: 2, problem: "the row has 1 cell but the header has 2 columns" },
        { row: 2, line: 3, problem: "the row has 3 cells but the header has 2 columns" },
        { row: 3, line: 4, raw: { q1: "bob", q2: "y" } },
      ],
    },
    { name: "an empty file has no rows", text: "", rows: [] },
    { name: "a header alone has no rows", text: "q1,q2\n", rows: [] },
  ])("$name", async ({ text, rows }) => {
    expect(brief(await read(text))).toEqual(rows);
    expect(brief(await read(text, 1))).toEqual(rows);
  });

  test("a file read in chunks many parse slices long gives every row, its line, and an end within a slice of it", async () => {
    const lines = ["q1,q2"];
    for (let i = 0; i < 3000; i++) lines.push(i % 7 === 0 ? `"user,${i}","line\nbreak"` : `user${i},é${i}@example.com`);
    const text = `${lines.join("\n")}\n`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(10 * PARSE_SLICE_BYTES);
    const rows = await read(text, 64 * 1024);
    expect(rows).toHaveLength(3000);
    let line = 2;
    let end = Buffer.byteLength(`${lines[0]}\n`);
    rows.forEach((row, i) => {
      end += Buffer.byteLength(`${lines[i + 1]}\n`);
      expect({ row: row.row, line: row.line }).toEqual({ row: i + 1, line });
      expect(row.end - end).toBeGreaterThanOrEqual(0);
      expect(row.end - end).toBeLessThan(PARSE_SLICE_BYTES);
      line += i % 7 === 0 ? 2 : 1;
    });
    expect(rows.at(-1)?.end).toBe(Buffer.byteLength(text));
    expect(rows[2999]?.raw).toEqual({ q1: "user2999", q2: "é2999@example.com" });
  });

  test.each([1, 2, 5, 64 * 1024])("each row's end is the bytes parsed so far: at or after the row's end, within a parse slice, in chunks of %i bytes", async (size) => {
    const text = '\ufeffq1,q2\r\n\r\njé,"a\nb"\r\nann,x';
    const bytes = Buffer.from(text);
    const rows = await read(text, size);
    const ends = [bytes.indexOf("ann"), bytes.length];
    rows.forEach((row, i) => {
      expect(row.end).toBeGreaterThanOrEqual(ends[i] as number);
      expect(row.end).toBeLessThanOrEqual((ends[i] as number) + Math.min(size, PARSE_SLICE_BYTES));
    });
    expect(rows.at(-1)?.end).toBe(bytes.length);
  });

  test("each row reports the column where each question's cells start", async () => {
    const [row] = await read("q2,q37.GroupName,q1,q37.Role\na,b,c,d\n");
    expect([...(row?.columns ?? new Map())]).toEqual([
      ["q2", 1],
      ["q37", 2],
      ["q1", 3],
    ]);
  });

  test.each([
    { name: "an unknown question, with a suggestion", header: "q1,q22", problems: [{ line: 1, column: 2, message: expect.stringMatching(/"q22" is not a question of this pipeline.*q2/) }] },
    { name: "a repeated column", header: "q1,q2,q1", problems: [{ line: 1, column: 3, message: 'the column "q1" appears twice in the header' }] },
    { name: "a repeat without a field", header: "q1,q37", problems: [{ line: 1, column: 2, message: expect.stringContaining("q37.GroupName") }] },
    { name: "a field of a question that is not a repeat", header: "q1.x", problems: [{ line: 1, column: 1, message: expect.stringContaining("q1 is not a repeat question") }] },
    { name: "an unknown field", header: "q1,q37.Grop", problems: [{ line: 1, column: 2, message: expect.stringMatching(/"Grop" is not a field of the repeat question q37.*GroupName/) }] },
    {
      name: "a blank column name, and every problem at once",
      header: "q1,,q9",
      problems: [
        { line: 1, column: 2, message: "column 2 of the header has no question id" },
        { line: 1, column: 3, message: expect.stringContaining('"q9" is not a question') },
      ],
    },
  ])("the header is checked before any row: $name", async ({ header, problems }) => {
    const { rows, error } = await readError(`${header}\na,b,c\n`);
    expect(rows).toEqual([]);
    expect(error.code).toBe("ROWS_INVALID");
    expect((error.details as { problems: RowsFileProblem[] }).problems).toEqual(problems);
  });

  test.each([
    { name: "a quote never closed", text: 'q1,q2\na,b\n\n"c,d\ne,f\n', line: 4, message: /quoted cell is never closed/ },
    { name: "text after a closing quote", text: 'q1,q2\na,b\nc,"d"x\ne,f\n', line: 3, message: /followed by more text/ },
  ])("a CSV syntax error stops the file at the row's line: $name", async ({ text, line, message }) => {
    const { rows, error } = await readError(text);
    expect(brief(rows)).toEqual([{ row: 1, line: 2, raw: { q1: "a", q2: "b" } }]);
    expect(error.code).toBe("ROWS_INVALID");
    const [problem] = (error.details as { problems: RowsFileProblem[] }).problems;
    expect(problem?.line).toBe(line);
    expect(problem?.message).toMatch(message);
  });

  test("property: cells round-trip and every row's line is where it starts, whatever the quoting and line ends", async () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "\r\n", "é", "|"), maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cell.filter((c) => c.trim() !== ""), cell), { minLength: 1, maxLength: 8 }),
        fc.constantFrom("\n", "\r\n"),
        fc.integer({ min: 1, max: 9 }),
        async (records, eol, chunk) => {
          const quote = (c: string) => (/[",\r\n]/.test(c) || c.trim() !== c ? `"${c.replace(/"/g, '""')}"` : c);
          let text = `q1,q2${eol}`;
          let line = 2;
          const expected: Array<{ row: number; line: number; raw: Record<string, string> }> = [];
          records.forEach(([a, b], i) => {
            expected.push({ row: i + 1, line, raw: { q1: a, q2: b } });
            const record = `${quote(a)},${quote(b)}`;
            text += record + eol;
            line += 1 + (record.match(/\r\n|\n/g) ?? []).length;
          });
          expect(brief(await read(text, chunk))).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
