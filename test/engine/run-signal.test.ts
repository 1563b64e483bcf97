/**
 * `context.signal` is made lazily for a run given no signal (creating an AbortSignal is a
 * visible share of a short run): it must still look and behave like a plain property holding
 * one AbortSignal per run, and the runtime's own code must see "not cancellable".
 */
import { cancellationSignal, type ActionContext } from "../../runtime/context";
import { defineAction, type ActionPlugin } from "../../runtime/definition";
import { inspectPipelineData } from "../../runtime/pipeline/load";
import { createRuntime } from "../../runtime/runtime";

interface Seen {
  signal: AbortSignal;
  again: AbortSignal;
  spread: AbortSignal | undefined;
  keys: string[];
  cancellation: AbortSignal | undefined;
}

function probe(seen: Seen[]): ActionPlugin {
  return defineAction({
    definition: {
      id: "test-probe",
      displayName: "Test Probe",
      version: "1.0.0",
      description: "Records what it sees of its context.",
      inputs: [],
      outputs: [{ name: "Done", type: "boolean", description: "Always true." }],
    },
    async handler(_inputs, context: ActionContext) {
      const spread = { ...context };
      seen.push({ signal: context.signal, again: context.signal, spread: spread.signal, keys: Object.keys(context), cancellation: cancellationSignal(context) });
      return { outputs: { Done: true } };
    },
  });
}

function twoProbes(seen: Seen[]) {
  const action = probe(seen);
  const { pipeline } = inspectPipelineData(
    {
      name: "Probe",
      actions: [
        { name: "One", type: "test-probe", inputs: {} },
        { name: "Two", type: "test-probe", inputs: {} },
      ],
    },
    { actions: [action], env: {}, displayName: "probe.pipeline.json" },
    "error",
  );
  if (!pipeline) throw new Error("the probe pipeline did not load");
  return { runtime: createRuntime({ actions: [action] }), pipeline };
}

test("a run given no signal: one never-aborted AbortSignal per run, an own enumerable property, and not cancellable for the runtime", async () => {
  const seen: Seen[] = [];
  const { runtime, pipeline } = twoProbes(seen);
  expect((await runtime.run(pipeline)).status).toBe("succeeded");
  expect((await runtime.run(pipeline)).status).toBe("succeeded");
  expect(seen).toHaveLength(4);
  for (const entry of seen) {
    expect(entry.signal).toBeInstanceOf(AbortSignal);
    expect(entry.signal.aborted).toBe(false);
    expect(entry.again).toBe(entry.signal);
    expect(entry.spread).toBe(entry.signal);
    expect(entry.keys).toContain("signal");
    expect(entry.cancellation).toBeUndefined();
  }
  // Shared by the actions of one run, never by two runs.
  expect(seen[1]?.signal).toBe(seen[0]?.signal);
  expect(seen[2]?.signal).not.toBe(seen[0]?.signal);
  expect(seen[3]?.signal).toBe(seen[2]?.signal);
});

test("a run given a signal: that signal, for actions and for the runtime alike", async () => {
  const seen: Seen[] = [];
  const { runtime, pipeline } = twoProbes(seen);
  const controller = new AbortController();
  expect((await runtime.run(pipeline, { signal: controller.signal })).status).toBe("succeeded");
  for (const entry of seen) {
    expect(entry.signal).toBe(controller.signal);
    expect(entry.spread).toBe(controller.signal);
    expect(entry.cancellation).toBe(controller.signal);
  }
});

test("a context built by hand (no engine) is judged by its own signal", () => {
  const controller = new AbortController();
  expect(cancellationSignal({ signal: controller.signal } as ActionContext)).toBe(controller.signal);
});
