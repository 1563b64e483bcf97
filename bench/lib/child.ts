/**
 * Helper processes (the local server, the load generator, memory runs), so what is measured
 * does not share an event loop with what it talks to. Parent and child talk over Node's IPC
 * channel: the child says `ready`, then answers requests by id.
 */
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";

export interface ChildHandle {
  ready: Record<string, unknown>;
  call<T = Record<string, unknown>>(command: string, args?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
  process: ChildProcess;
}

/** Starts `children/<name>.js` (compiled, next to this file's folder) and waits for `ready`. */
export async function startChild(name: string, args: readonly string[] = [], execArgv: readonly string[] = []): Promise<ChildHandle> {
  const child = fork(join(__dirname, "..", "children", `${name}.js`), [...args], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [...execArgv] });
  const waiting = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`bench child ${name} exited (${code}) before it was ready`)));
    child.once("message", (message: Record<string, unknown>) => resolve(message));
  });
  child.removeAllListeners("exit");
  child.on("message", (message: { id?: number; error?: string }) => {
    const pending = message.id === undefined ? undefined : waiting.get(message.id);
    if (!pending || message.id === undefined) return;
    waiting.delete(message.id);
    if (message.error !== undefined) pending.reject(new Error(`${name}: ${message.error}`));
    else pending.resolve(message as never);
  });
  child.on("exit", (code) => {
    for (const pending of waiting.values()) pending.reject(new Error(`bench child ${name} exited (${code})`));
    waiting.clear();
  });
  return {
    ready,
    process: child,
    call: (command, callArgs = {}) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve: resolve as (value: never) => void, reject });
        child.send({ id, command, ...callArgs });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}

/** The child's side: announce readiness and answer commands. */
export function serveParent(ready: Record<string, unknown>, handlers: Record<string, (args: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>>): void {
  const send = (message: Record<string, unknown>) => process.send?.(message);
  process.on("message", (message: Record<string, unknown> & { id: number; command: string }) => {
    const handler = handlers[message.command];
    if (!handler) return send({ id: message.id, error: `unknown command ${message.command}` });
    Promise.resolve()
      .then(() => handler(message))
      .then(
        (result) => send({ id: message.id, ...result }),
        (error: unknown) => send({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", ...ready });
}
