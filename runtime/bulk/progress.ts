/**
 * Progress of a bulk run on standard error: a bar redrawn in place on a terminal (at most ten
 * times a second), otherwise a plain line every five seconds. The total is not known while the
 * file streams, so the share done and the time left come from the bytes read.
 */
import type { BulkProgress } from "./run-bulk";

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Redraw in place (a terminal); otherwise plain lines. */
  tty: boolean;
  /** Milliseconds; default performance.now-like clock. */
  now?: () => number;
  /** Least time between redraws on a terminal; default 100 ms. */
  redrawMs?: number;
  /** Time between plain lines; default 5000 ms. */
  lineMs?: number;
}

export interface Estimate {
  /** 0..1, from the bytes read; undefined before the first row. */
  fraction: number | undefined;
  /** Rows finished by this run per second. */
  rate: number;
  /** Seconds left at the current rate; undefined when unknown. */
  secondsLeft: number | undefined;
}

export function estimate(progress: BulkProgress, now: number): Estimate {
  const elapsed = Math.max(0.001, (now - progress.startedAt) / 1000);
  const rate = progress.finished / elapsed;
  const fraction = progress.bytesTotal > 0 && progress.rows > 0 ? Math.min(1, progress.bytesRead / progress.bytesTotal) : undefined;
  let secondsLeft: number | undefined;
  if (fraction !== undefined && rate > 0 && progress.bytesRead > 0) {
    const rowsLeft = ((progress.bytesTotal - progress.bytesRead) * progress.rows) / progress.bytesRead + progress.inFlight;
    secondsLeft = rowsLeft / rate;
  }
  return { fraction, rate, secondsLeft };
}

const count = (n: number) => n.toLocaleString("en-US");

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${String(rest).padStart(2, "0")}` : `${minutes}:${String(rest).padStart(2, "0")}`;
}

function countsText(progress: BulkProgress): string {
  const parts = [`${count(progress.succeeded)} succeeded`, `${count(progress.failed)} failed`, `${count(progress.invalid)} invalid`];
  if (progress.alreadyDone > 0) parts.push(`${count(progress.alreadyDone)} done before`);
  return parts.join(", ");
}

/** One line for a terminal, at most `width` characters. */
export function formatBar(progress: BulkProgress, now: number, width = 80): string {
  const { fraction, rate, secondsLeft } = estimate(progress, now);
  const percent = fraction === undefined ? "  ?%" : `${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const tail = [
    `${count(progress.rows)} rows`,
    countsText(progress),
    `${rate >= 100 ? count(Math.round(rate)) : rate.toFixed(1)}/s`,
    secondsLeft === undefined ? "" : `${formatDuration(secondsLeft)} left`,
  ]
    .filter(Boolean)
    .join(" · ");
  const barWidth = Math.min(24, width - tail.length - percent.length - 4);
  if (barWidth < 6) return `${percent} ${tail}`.slice(0, Math.max(0, width - 1));
  const filled = Math.round((fraction ?? 0) * barWidth);
  return `[${"█".repeat(filled)}${"░".repeat(barWidth - filled)}] ${percent} ${tail}`;
}

/** A plain progress line, for logs. */
export function formatLine(progress: BulkProgress, now: number): string {
  const { fraction, rate, secondsLeft } = estimate(progress, now);
  const share = fraction === undefined ? "" : ` (${Math.floor(fraction * 100)}% of the file)`;
  const left = secondsLeft === undefined ? "" : `, about ${formatDuration(secondsLeft)} left`;
  return `bulk: ${count(progress.rows)} rows${share}: ${countsText(progress)}; ${rate >= 100 ? count(Math.round(rate)) : rate.toFixed(1)} rows/s${left}`;
}

export class ProgressReporter {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly redrawMs: number;
  private readonly lineMs: number;
  private latest: BulkProgress | undefined;
  private lastDraw = -Infinity;
  private drawn = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(stream: ProgressStream, options: ProgressOptions) {
    this.stream = stream;
    this.tty = options.tty;
    this.now = options.now ?? (() => performance.now());
    this.redrawMs = options.redrawMs ?? 100;
    this.lineMs = options.lineMs ?? 5000;
  }

  /** Takes the latest counts; draws when due. Keeps a reference, so the caller may mutate it. */
  update(progress: BulkProgress): void {
    this.latest = progress;
    if (!this.timer) {
      // Plain lines come from the timer alone; on a terminal it also redraws while no row
      // finishes (a slow service), so the time keeps moving.
      this.timer = setInterval(() => this.draw(true), this.tty ? 1000 : this.lineMs);
      this.timer.unref();
    }
    if (this.tty) this.draw(false);
  }

  /** Writes other output without tearing the bar: clears it, writes, and redraws. */
  interject(write: () => void): void {
    this.clear();
    write();
    if (this.tty && this.latest) this.draw(true);
  }

  /** Clears the bar and stops drawing. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private draw(force: boolean): void {
    if (!this.latest) return;
    const now = this.now();
    if (this.tty) {
      if (!force && now - this.lastDraw < this.redrawMs) return;
      this.lastDraw = now;
      const width = this.stream.columns ?? 80;
      this.stream.write(`\r\x1b[2K${formatBar(this.latest, now, width)}`);
      this.drawn = true;
    } else {
      this.stream.write(`${formatLine(this.latest, now)}\n`);
    }
  }

  private clear(): void {
    if (this.tty && this.drawn) {
      this.stream.write("\r\x1b[2K");
      this.drawn = false;
    }
  }
}
