/** Sizes of every scenario: full runs for figures, quick runs only to keep the code working. */
export interface BenchConfig {
  quick: boolean;
  /** Alternating rounds per paired measurement. */
  rounds: number;
  /** Milliseconds per round of a throughput measurement. */
  roundMs: number;
  /** Milliseconds per round of a micro-benchmark. */
  microMs: number;
  /** Whole-process starts per contender (start-up scenario). */
  starts: number;
  /** Runs in the memory batch. */
  batchRuns: number;
  /** Size of the large response, in MB. */
  largeMb: number;
  /** Users created per round (directory scenario). */
  users: number;
}

export function configFor(quick: boolean): BenchConfig {
  return quick
    ? { quick, rounds: 2, roundMs: 300, microMs: 100, starts: 2, batchRuns: 300, largeMb: 2, users: 100 }
    : { quick, rounds: 7, roundMs: 3000, microMs: 1000, starts: 11, batchRuns: 10_000, largeMb: 50, users: 2000 };
}
