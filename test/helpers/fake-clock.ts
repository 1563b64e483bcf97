/** A clock whose sleeps finish at once but are recorded, so retry waits are tested without waiting. */
import type { Clock } from "../../runtime/context";

export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current = new Date("2026-11-22T09:30:00Z")) {}

  now(): Date {
    return new Date(this.current);
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
    this.sleeps.push(ms);
    this.current = new Date(this.current.getTime() + ms);
  }
}
