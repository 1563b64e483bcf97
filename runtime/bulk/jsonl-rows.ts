/**
 * JSON Lines rows: one answers object per line, keyed by question id, as in an answers file.
 * Blank lines are skipped (they still count for line numbers); CRLF and a BOM are accepted.
 *
 * Lines are split here rather than with readline, whose async iterator does not hold the file
 * back while rows wait for a free slot; iterating the stream itself does.
 */
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { SiqError } from "../errors";
import { isPlainObject } from "../values";
import { MAX_ROW_BYTES, type RowInput } from "./rows";

export async function* readJsonlRows(stream: Readable, display: string): AsyncGenerator<RowInput> {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  /** True while the current line is too long: its text is dropped up to the next line break. */
  let overlong = false;
  let line = 0;
  let row = 0;
  let offset = 0;
  let first = true;

  const take = (text: string, end: number): RowInput | undefined => {
    line++;
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (overlong || text.length > MAX_ROW_BYTES) {
      overlong = false;
      row++;
      return { row, line, end, problem: { message: `the line is longer than ${MAX_ROW_BYTES} characters` } };
    }
    if (text.trim() === "") return undefined;
    row++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { row, line, end, problem: { message: `the line is not valid JSON: ${(error as Error).message}` } };
    }
    if (!isPlainObject(value)) {
      return { row, line, end, problem: { message: "each line must be a JSON object of answers keyed by question id, such as {\"q1\": \"jdoe\"}" } };
    }
    return { row, line, end, raw: value as Record<string, unknown> };
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decoder.write(chunk);
      let start = 0;
      let position = offset;
      let at = text.indexOf("\n");
      while (at >= 0) {
        const piece = text.slice(start, at);
        const lineText = pending + piece;
        pending = "";
        position += Buffer.byteLength(piece) + 1;
        const input = take(lineText, position);
        if (input) yield input;
        start = at + 1;
        at = text.indexOf("\n", start);
      }
      if (!overlong) {
        pending += text.slice(start);
        if (pending.length > MAX_ROW_BYTES) {
          overlong = true;
          pending = "";
        }
      }
      offset += chunk.length;
    }
    const rest = pending + decoder.end();
    if (rest !== "" || overlong) {
      const input = take(rest, offset);
      if (input) yield input;
    }
  } catch (error) {
    throw new SiqError("FILE_NOT_FOUND", `The rows file ${display} cannot be read: ${(error as Error).message}.`, { cause: error });
  } finally {
    stream.destroy();
  }
}
