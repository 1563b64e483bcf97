/**
 * An undici Dispatcher that answers every request in-process, at once, with a fixed small JSON
 * response: HTTP without the network, so what remains of a run's time is the engine's.
 */
import { Dispatcher } from "undici";

const RESPONSE = Buffer.from(JSON.stringify({ id: 42, username: "jdoe", email: "jdoe@example.com", groups: ["Sales", "Support"] }));
const RAW_HEADERS = [Buffer.from("content-type"), Buffer.from("application/json"), Buffer.from("content-length"), Buffer.from(String(RESPONSE.length))];

interface LegacyHandler {
  onConnect?(abort: (reason?: unknown) => void): void;
  onHeaders?(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean | void;
  onData?(chunk: Buffer): boolean | void;
  onComplete?(trailers: Buffer[] | null): void;
  onError?(error: Error): void;
}

export class ImmediateDispatcher extends Dispatcher {
  requests = 0;

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.requests++;
    const legacy = handler as unknown as LegacyHandler;
    let aborted: unknown;
    legacy.onConnect?.((reason) => {
      aborted = reason ?? new Error("aborted");
    });
    // Answer on the next microtask, as a real connection would answer later, never synchronously.
    queueMicrotask(() => {
      if (aborted !== undefined) {
        legacy.onError?.(aborted instanceof Error ? aborted : new Error(String(aborted)));
        return;
      }
      const status = options.method === "POST" ? 201 : 200;
      legacy.onHeaders?.(status, RAW_HEADERS, () => undefined, status === 201 ? "Created" : "OK");
      legacy.onData?.(RESPONSE);
      legacy.onComplete?.([]);
    });
    return true;
  }

  override async close(): Promise<void> {}

  override async destroy(): Promise<void> {}
}
