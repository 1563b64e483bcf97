/**
 * Rows for a bulk run: each one run's raw answers, read one at a time from a CSV or JSON Lines
 * file, so memory never depends on the file's size.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { SiqError } from "../errors";
import type { Question } from "../pipeline/types";
import { readCsvRows } from "./csv-rows";
import { readJsonlRows } from "./jsonl-rows";

/** A row's problem: why it cannot run (bad JSON, wrong cell count, an answer that does not convert). */
export interface RowProblem {
  /** The question it concerns, when there is one. */
  question?: string;
  message: string;
  /** 1-based CSV column, when known. */
  column?: number;
}

export interface RowInput {
  /** 1-based among the data rows (a CSV header and blank lines are not rows). */
  row: number;
  /** The physical line of the file where the row starts (1-based). */
  line: number;
  /** Bytes of the file read up to the row, for progress: the row's end (CSV: or up to one 4 KiB parse slice beyond it). */
  end: number;
  /** The raw answers, keyed by question id, before conversion; absent when `problem` is set. */
  raw?: Record<string, unknown>;
  problem?: RowProblem;
  /** CSV: the column where each question's cells start, to point problems at a column. */
  columns?: ReadonlyMap<string, number>;
}

export type RowsFormat = "csv" | "jsonl";

export interface RowSource {
  format: RowsFormat;
  /** The file's size in bytes when it was opened. */
  size: number;
  rows: AsyncIterable<RowInput>;
}

/** Longest row accepted (a runaway quote must not buffer the rest of the file). */
export const MAX_ROW_BYTES = 1024 * 1024;

/**
 * Bytes read from the rows file at a time. A chunk stays referenced until its last row is taken
 * (CSV: parsed from it; JSON Lines: its text, which each line's text is a slice of), so with
 * 64 KiB chunks of short rows it lived through thousands of rows, was promoted to V8's old
 * generation, and its memory (outside the JavaScript heap, for a Buffer) came back only with a
 * full collection: 3 MB more per 100,000 short rows, growing with the file until V8 collected.
 * 4 KiB chunks last a few dozen rows and are freed young; reading costs 16 times as many reads,
 * a few milliseconds per 100,000 rows.
 */
export const READ_BYTES = 4 * 1024;

export function rowsFormatOf(file: string): RowsFormat {
  const extension = extname(file).toLowerCase();
  if (extension === ".csv") return "csv";
  if (extension === ".jsonl" || extension === ".ndjson") return "jsonl";
  throw new SiqError("USAGE", `--rows takes a .csv or .jsonl file (got "${file}"): CSV with a header row of question ids, or one JSON object of answers per line.`);
}

/** Opens the rows file for streaming. `display` is the name used in messages. */
export async function openRows(file: string, display: string, questions: Readonly<Record<string, Question>>): Promise<RowSource> {
  const format = rowsFormatOf(file);
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error("not a file");
    size = info.size;
  } catch {
    throw new SiqError("FILE_NOT_FOUND", `The rows file ${display} cannot be read: check the path.`);
  }
  const stream = createReadStream(file, { highWaterMark: READ_BYTES });
  const rows = format === "csv" ? readCsvRows(stream, questions, display) : readJsonlRows(stream, display);
  return { format, size, rows };
}
