/**
 * The results file: JSON Lines, one line per row as rows finish. It is derived from the journal:
 * at the start of every run it is rewritten from the journal's done rows (in the order they
 * finished), so a crash between the journal's commit and the line's write never loses or
 * doubles a line. Writes are buffered and flushed at least every quarter second.
 */
import { closeSync, fchmodSync, openSync, writeSync } from "node:fs";

const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 250;

export class ResultsWriter {
  readonly file: string;
  private readonly fd: number;
  private buffer: string[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;

  /** Opens the file empty (owner-only permissions: outputs may include passwords). */
  constructor(file: string) {
    this.file = file;
    this.fd = openSync(file, "w", 0o600);
    // The mode above applies only to a new file: a results file left by an older run keeps its own.
    if (process.platform !== "win32") fchmodSync(this.fd, 0o600);
  }

  append(line: string): void {
    this.buffer.push(line, "\n");
    this.size += line.length + 1;
    if (this.size >= FLUSH_BYTES) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer.length === 0) return;
    const text = this.buffer.join("");
    this.buffer = [];
    this.size = 0;
    writeSync(this.fd, text);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
