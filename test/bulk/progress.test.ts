import { ProgressReporter, estimate, formatBar, formatDuration, formatLine, type BulkProgress } from "../../runtime/bulk";

function progress(overrides: Partial<BulkProgress> = {}): BulkProgress {
  return {
    rows: 500,
    succeeded: 480,
    failed: 15,
    invalid: 5,
    alreadyDone: 0,
    finished: 500,
    inFlight: 0,
    bytesRead: 25_000,
    bytesTotal: 100_000,
    startedAt: 0,
    ...overrides,
  };
}

describe("bulk progress", () => {
  test.each([
    { name: "a quarter of the file in 10 s: 50 rows/s and 30 s left", state: progress(), now: 10_000, fraction: 0.25, rate: 50, secondsLeft: 30 },
    { name: "rows in flight count as left", state: progress({ inFlight: 4, finished: 500 }), now: 10_000, fraction: 0.25, rate: 50, secondsLeft: 30.08 },
    { name: "nothing read yet: share and time unknown", state: progress({ rows: 0, finished: 0, bytesRead: 0, succeeded: 0, failed: 0, invalid: 0 }), now: 1000, fraction: undefined, rate: 0, secondsLeft: undefined },
    { name: "rows skipped as done before do not count toward the rate", state: progress({ alreadyDone: 400, finished: 100 }), now: 10_000, fraction: 0.25, rate: 10, secondsLeft: 150 },
  ])("estimate: $name", ({ state, now, fraction, rate, secondsLeft }) => {
    const result = estimate(state, now);
    expect(result.fraction).toBe(fraction);
    expect(result.rate).toBeCloseTo(rate, 6);
    if (secondsLeft === undefined) expect(result.secondsLeft).toBeUndefined();
    else expect(result.secondsLeft).toBeCloseTo(secondsLeft, 6);
  });

  test.each([
    [0, "0:00"],
    [59.4, "0:59"],
    [61, "1:01"],
    [3600 + 125, "1:02:05"],
  ])("formatDuration(%p) is %p", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test("the bar shows share, rows, counts, rate and time left, and fits the terminal", () => {
    const bar = formatBar(progress({ alreadyDone: 7 }), 10_000, 120);
    expect(bar).toBe("[██████░░░░░░░░░░░░░░░░░░]  25% 500 rows · 480 succeeded, 15 failed, 5 invalid, 7 done before · 50.0/s · 0:30 left");
    for (const width of [100, 60, 30]) expect(formatBar(progress(), 10_000, width).length).toBeLessThan(width);
  });

  test("the plain line says the same in words", () => {
    expect(formatLine(progress({ rows: 12_345, finished: 12_345, succeeded: 12_325 }), 10_000)).toBe(
      "bulk: 12,345 rows (25% of the file): 12,325 succeeded, 15 failed, 5 invalid; 1,235 rows/s, about 0:30 left",
    );
  });

  test("on a terminal: redrawn in place at most every 100 ms, cleared around other output and at the end", () => {
    let now = 0;
    const written: string[] = [];
    const reporter = new ProgressReporter({ write: (text: string) => written.push(text), columns: 200 }, { tty: true, now: () => now });
    const state = progress();
    reporter.update(state);
    now = 50;
    reporter.update(state);
    now = 99;
    reporter.update(state);
    expect(written).toHaveLength(1);
    now = 100;
    reporter.update(state);
    expect(written).toHaveLength(2);
    expect(written.every((text) => text.startsWith("\r\u001b[2K["))).toBe(true);

    reporter.interject(() => written.push("a line\n"));
    expect(written.slice(2, 4)).toEqual(["\r\u001b[2K", "a line\n"]);
    expect(written[4]?.startsWith("\r\u001b[2K[")).toBe(true);
    expect(written).toHaveLength(5);
    reporter.finish();
    expect(written[written.length - 1]).toBe("\r\u001b[2K");
  });

  test("not on a terminal: one plain line per period, from a timer, and nothing to clear", () => {
    jest.useFakeTimers();
    try {
      const written: string[] = [];
      const reporter = new ProgressReporter({ write: (text: string) => written.push(text) }, { tty: false, now: () => 10_000, lineMs: 5000 });
      reporter.update(progress());
      reporter.update(progress());
      expect(written).toEqual([]);
      jest.advanceTimersByTime(5000);
      expect(written).toEqual([`${formatLine(progress(), 10_000)}\n`]);
      jest.advanceTimersByTime(10_000);
      expect(written).toHaveLength(3);
      reporter.interject(() => written.push("x\n"));
      reporter.finish();
      jest.advanceTimersByTime(10_000);
      expect(written).toHaveLength(4);
      expect(written.some((text) => text.includes("\r"))).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });
});
