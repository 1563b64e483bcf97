/**
 * CSV rows (SPEC 11.19): a header row of question ids, then one row per run. A repeat's field is
 * a column `q37.GroupName` whose cell holds `|`-separated values, one per row of the repeat;
 * cells convert like `--set` (answersFromAssignments).
 *
 * csv-parse streams the file (BOM, quoted cells with line breaks, CRLF). Line numbers are counted
 * here from each record's raw text: csv-parse's own count treats a CRLF inside a quoted cell as
 * two lines.
 */
import type { Readable } from "node:stream";
import { parse, type CsvError, type Parser } from "csv-parse";
import { answersFromAssignments } from "../answers";
import { SiqError } from "../errors";
import type { Question } from "../pipeline/types";
import { didYouMean } from "../util/suggest";
import { MAX_ROW_BYTES, type RowInput } from "./rows";

/** A problem with the rows file itself (header, syntax), at a line and column. */
export interface RowsFileProblem {
  line: number;
  /** 1-based column, or 0. */
  column: number;
  message: string;
}

/** What csv-parse gives with `raw: true`: the cells and the record's text as read. */
interface ParsedRecord {
  record: string[];
  /** Includes the blank lines skipped before the record. */
  raw: string;
}

interface Header {
  names: string[];
  /** First column (1-based) of each question id, for pointing problems at a cell. */
  columns: Map<string, number>;
}

export async function* readCsvRows(stream: Readable, questions: Readonly<Record<string, Question>>, display: string): AsyncGenerator<RowInput> {
  /**
   * The first syntax error. csv-parse reports it through on_skip rather than as a stream error,
   * because a stream error drops the records still buffered before it: this way every row
   * before the error is delivered, in order, and then reading stops at the error.
   */
  let broken: { error: CsvError; records: number; raw: string } | undefined;
  const parser = parse({
    bom: true,
    // Not `info: true`: the info object it builds for every record was promoted to V8's old
    // generation (4.8 MB against 0.9 MB for 20,000 rows parsed without it, --trace-gc-nvp);
    // progress reads the parser's own running count of bytes instead.
    raw: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_ROW_BYTES,
    skip_records_with_error: true,
    on_skip: (error, raw) => {
      if (error) broken ??= { error, records: (error as CsvError & { records?: number }).records ?? 0, raw: raw ?? "" };
    },
  });

  let header: Header | undefined;
  let nextLine = 1;
  let row = 0;
  let received = 0;
  const syntaxError = (found: NonNullable<typeof broken>): SiqError => {
    const line = nextLine + leadingBreaks(found.raw);
    const message = found.error.message.replace(/ at line \d+/g, "").replace(/^[^:]+: /, "");
    return rowsInvalid(display, [{ line, column: 0, message: `${csvLabel(found.error.code)}: ${message}` }]);
  };
  try {
    for await (const parsed of parsedRecords(stream, parser)) {
      received++;
      // A record after the error is the parser's guess at resynchronising: never trust it.
      if (broken && received > broken.records) throw syntaxError(broken);
      const line = nextLine + leadingBreaks(parsed.raw);
      nextLine += lineBreaks(parsed.raw);
      if (!header) {
        header = readHeader(parsed.record, questions, display, line);
        continue;
      }
      const cells = parsed.record;
      if (cells.every((cell) => cell.trim() === "")) continue; // a row of empty cells, as spreadsheets export
      row++;
      // The bytes parsed so far: the row's end, or up to one parse slice beyond it.
      const end = parser.info.bytes;
      // Rows are written out field by field, not as `{ ...base, raw }`: on Node 20 an object made
      // by a leading spread was promoted to V8's old generation nearly every time (46 MB against
      // 7 MB for 300,000 small objects, --trace-gc-nvp), and rows are made for every line.
      if (cells.length !== header.names.length) {
        const message = `the row has ${cells.length} cell${cells.length === 1 ? "" : "s"} but the header has ${header.names.length} columns`;
        yield { row, line, end, columns: header.columns, problem: { message } };
        continue;
      }
      const pairs: Array<[string, string]> = header.names.map((name, i) => [name, cells[i] ?? ""]);
      yield { row, line, end, columns: header.columns, raw: answersFromAssignments(questions, pairs) };
    }
    if (broken) throw syntaxError(broken);
  } catch (error) {
    if (error instanceof SiqError) throw error;
    throw new SiqError("FILE_NOT_FOUND", `The rows file ${display} cannot be read: ${(error as Error).message}.`, { cause: error });
  } finally {
    stream.destroy();
    parser.destroy();
  }
}

/**
 * Bytes handed to the parser at a time. csv-parse parses everything it is given at once, so the
 * records of one write wait, parsed, until rows are taken: with 64 KiB writes that was about
 * 2,000 short rows, long enough for V8 to promote them to its old generation (a bulk of 20,000
 * users promoted 24 MB with 64 KiB writes, 15 MB with 4 KiB ones). 4 KiB keeps the parsed
 * read-ahead to a few dozen typical rows. The file is read in chunks of this size too
 * (READ_BYTES); the slicing holds for any stream of larger chunks.
 */
export const PARSE_SLICE_BYTES = 4 * 1024;

/**
 * The parser's records, parsing only when the ones parsed before have been taken. The parser is
 * driven by hand (write a slice, read its records) rather than piped: a pipe writes as long as
 * the parser's input buffer has room, whatever its output holds.
 */
async function* parsedRecords(stream: Readable, parser: Parser): AsyncGenerator<ParsedRecord> {
  let failure: Error | undefined;
  // Kept from the start: a Transform that fails with no 'error' listener would be an uncaught exception.
  parser.on("error", (error: Error) => (failure ??= error));
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let at = 0; at < chunk.length; at += PARSE_SLICE_BYTES) {
      parser.write(chunk.subarray(at, at + PARSE_SLICE_BYTES));
      // read() hands out what the write produced; emptying the output is what lets the parser
      // take the next write (a Transform holds its write back while its output buffer is full).
      for (let record = parser.read() as ParsedRecord | null; record !== null; record = parser.read() as ParsedRecord | null) yield record;
      if (failure) throw failure;
    }
  }
  parser.end();
  // The rest: the last record, which only the end of input completes.
  for await (const record of parser as AsyncIterable<ParsedRecord>) yield record;
  if (failure) throw failure;
}

function csvLabel(code: string): string {
  if (code === "CSV_QUOTE_NOT_CLOSED") return "a quoted cell is never closed";
  if (code === "CSV_INVALID_CLOSING_QUOTE") return "a quote ends a cell but is followed by more text (write a quote inside a quoted cell as \"\")";
  if (code === "CSV_MAX_RECORD_SIZE") return `a row is longer than ${MAX_ROW_BYTES} characters (a quote left open?)`;
  return "the CSV is malformed";
}

function readHeader(cells: string[], questions: Readonly<Record<string, Question>>, display: string, line: number): Header {
  const problems: RowsFileProblem[] = [];
  const names: string[] = [];
  const columns = new Map<string, number>();
  const seen = new Set<string>();
  const ids = Object.keys(questions);
  cells.forEach((cell, index) => {
    const column = index + 1;
    const name = cell.trim();
    names.push(name);
    const problem = (message: string) => problems.push({ line, column, message });
    if (name === "") return problem(`column ${column} of the header has no question id`);
    if (seen.has(name)) return problem(`the column "${name}" appears twice in the header`);
    seen.add(name);
    const dot = name.indexOf(".");
    const id = dot > 0 ? name.slice(0, dot) : name;
    const question = Object.hasOwn(questions, id) ? questions[id] : undefined;
    if (!question) return problem(`"${id}" is not a question of this pipeline${didYouMean(id, ids)}`);
    if (!columns.has(id)) columns.set(id, column);
    if (dot > 0) {
      if (question.type !== "repeat") return problem(`"${name}": ${id} is not a repeat question, so it has no fields; name the column ${id}`);
      const field = name.slice(dot + 1);
      const fields = Object.keys(question.fields ?? {});
      if (!fields.includes(field)) {
        const hint = didYouMean(field, fields) || ` (its fields: ${fields.join(", ")})`;
        return problem(`"${field}" is not a field of the repeat question ${id}${hint}`);
      }
    } else if (question.type === "repeat") {
      const example = Object.keys(question.fields ?? {})[0] ?? "Field";
      return problem(`${id} is a repeat question: give each of its fields a column of its own, such as ${id}.${example}, with values separated by |`);
    }
    return undefined;
  });
  if (problems.length > 0) throw rowsInvalid(display, problems);
  return { names, columns };
}

/** ROWS_INVALID listing every problem (the CLI prints them as problem lines). */
export function rowsInvalid(display: string, problems: RowsFileProblem[]): SiqError {
  const first = problems.slice(0, 10).map((p) => `line ${p.line}${p.column > 0 ? `, column ${p.column}` : ""}: ${p.message}`);
  return new SiqError(
    "ROWS_INVALID",
    `The rows file ${display} has ${problems.length} problem${problems.length === 1 ? "" : "s"}: ${first.join("; ")}${problems.length > 10 ? "; ..." : ""}.`,
    { details: { problems } },
  );
}

/** Line breaks in text: CRLF, LF and a lone CR each count once. */
export function lineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) count++;
    else if (code === 13) {
      count++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return count;
}

/** Line breaks before the first other character: blank lines csv-parse skipped before a record. */
function leadingBreaks(text: string): number {
  let end = 0;
  while (end < text.length && (text.charCodeAt(end) === 10 || text.charCodeAt(end) === 13)) end++;
  return lineBreaks(text.slice(0, end));
}
