/** Small statistics for noisy machines: medians of repeated rounds, never means. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Rounds a figure to a readable number of significant digits. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

export function nowMs(): number {
  return performance.now();
}

/** CPU time (user + system) of this process in microseconds. */
export function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

export interface Throughput {
  count: number;
  elapsedMs: number;
  perSecond: number;
  /** CPU time of this process per operation, in microseconds. */
  cpuMicrosPerOp: number;
}

/**
 * Runs `task` in a closed loop on `concurrency` workers for `durationMs`: each worker starts
 * its next operation when the last one finishes, as a pool of users would.
 */
export async function closedLoop(concurrency: number, durationMs: number, task: (n: number) => Promise<unknown>): Promise<Throughput> {
  let count = 0;
  let next = 0;
  const cpu = cpuMicros();
  const started = nowMs();
  const end = started + durationMs;
  const worker = async (): Promise<void> => {
    while (nowMs() < end) {
      await task(next++);
      count++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = nowMs() - started;
  return { count, elapsedMs, perSecond: (count * 1000) / elapsedMs, cpuMicrosPerOp: (cpuMicros() - cpu) / Math.max(1, count) };
}

/** Runs a synchronous operation in batches for about `durationMs`; operations per second. */
export function syncRate(durationMs: number, operation: (n: number) => unknown): number {
  let count = 0;
  let batch = 16;
  const started = nowMs();
  let elapsed = 0;
  let sink: unknown;
  while (elapsed < durationMs) {
    for (let i = 0; i < batch; i++) sink = operation(count++);
    elapsed = nowMs() - started;
    if (elapsed < durationMs / 20) batch *= 2;
  }
  keep(sink);
  return (count * 1000) / elapsed;
}

/** Sequential async operations for about `durationMs`; operations per second. */
export async function asyncRate(durationMs: number, operation: (n: number) => Promise<unknown>): Promise<number> {
  let count = 0;
  const started = nowMs();
  let elapsed = 0;
  while (elapsed < durationMs) {
    await operation(count++);
    elapsed = nowMs() - started;
  }
  return (count * 1000) / elapsed;
}

let blackhole: unknown;
/** Keeps a result alive so the optimiser cannot drop the work that made it. */
export function keep(value: unknown): void {
  blackhole = value;
  if (blackhole === Symbol.for("never")) console.log(blackhole);
}

/**
 * Measures two contenders in alternating rounds (A B B A A B ...), so drift in the machine's
 * load hits both alike, and returns each round's figures.
 */
export async function interleave<T>(rounds: number, a: () => Promise<T> | T, b: () => Promise<T> | T): Promise<{ a: T[]; b: T[] }> {
  const out = { a: [] as T[], b: [] as T[] };
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      out.a.push(await a());
      out.b.push(await b());
    } else {
      out.b.push(await b());
      out.a.push(await a());
    }
  }
  return out;
}

/** Median of per-round ratios a/b: pairs measured next to each other share the machine's mood. */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((value, i) => value / (b[i] as number)));
}
