#!/usr/bin/env node
/** The `siq` command: see runtime/cli/program.ts. */
import { processIo } from "../runtime/cli/io";
import { runCli } from "../runtime/cli/program";

// `siq actions | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const controller = new AbortController();
let interrupted = false;
process.on("SIGINT", () => {
  // First Ctrl-C: stop taking new work and finish what is in flight; second: leave at once.
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort(new Error("interrupted"));
});

runCli(process.argv.slice(2), { ...processIo(), signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
