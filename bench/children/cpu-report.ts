/**
 * Preloaded (`node -r`) into processes whose start-up is measured: reports the process's CPU
 * time at exit on standard error, which stays meaningful when the machine is busy and wall
 * time is not.
 */
import { writeSync } from "node:fs";

process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  writeSync(2, `\nSIQ_BENCH_CPU_MICROS=${user + system}\n`);
});
