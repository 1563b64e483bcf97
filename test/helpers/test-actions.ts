/**
 * Small host actions for engine tests: the same plugin interface a host uses, with real
 * handlers (they compute their outputs from their inputs; nothing is canned).
 */
import { defineAction, type ActionPlugin } from "../../runtime/definition";
import { SiqError } from "../../runtime/errors";
import { JsonData, type Value } from "../../runtime/values";

/** Returns its inputs as outputs: Text (text), Count (number), Flag (boolean), Data (json), Pairs (key/value). */
export const echoAction: ActionPlugin = defineAction({
  definition: {
    id: "test-echo",
    displayName: "Test Echo",
    version: "1.0.0",
    description: "Returns its inputs as outputs.",
    inputs: [
      { name: "Text", type: "text", description: "Any text." },
      { name: "Count", type: "number", description: "A number.", default: 1 },
      { name: "Flag", type: "boolean", description: "A flag." },
      { name: "Data", type: "json", description: "Structured data." },
      { name: "Pairs", type: "keyValueList", separator: "=", description: "name=value lines." },
      { name: "Secret", type: "text", secret: true, description: "A secret." },
      { name: "Mode", type: "text", options: ["Fast", "Slow"], description: "One of two modes." },
    ],
    outputs: [
      { name: "Text", type: "text", description: "The Text input." },
      { name: "Count", type: "number", description: "The Count input." },
      { name: "Flag", type: "boolean", description: "The Flag input." },
      { name: "Data", type: "json", description: "The Data input." },
      { name: "Pairs", type: "json", description: "The Pairs input as an object." },
      { name: "Mode", type: "text", description: "The Mode input." },
    ],
  },
  async handler(inputs) {
    const pairs = inputs.get("Pairs") as Array<[string, string]> | undefined;
    const outputs: Record<string, Value> = {
      Text: (inputs.get("Text") as string | undefined) ?? "",
      Count: (inputs.get("Count") as number | undefined) ?? 0,
      Flag: (inputs.get("Flag") as boolean | undefined) ?? false,
      Data: inputs.has("Data") ? new JsonData(inputs.get("Data") as never) : null,
      Pairs: new JsonData(Object.fromEntries(pairs ?? [])),
      Mode: (inputs.get("Mode") as string | undefined) ?? "",
    };
    return { outputs, messages: inputs.has("Secret") ? [`secret was ${String(inputs.get("Secret"))}`] : [] };
  },
});

/**
 * Fails the first `Failures` runs with the given error code (retryable unless told otherwise),
 * counting runs per `Key` in `flakyRuns`.
 */
export const flakyRuns = new Map<string, number>();
export const flakyAction: ActionPlugin = defineAction({
  definition: {
    id: "test-flaky",
    displayName: "Test Flaky",
    version: "1.0.0",
    description: "Fails a given number of times, then succeeds.",
    inputs: [
      { name: "Key", type: "text", mandatory: true, description: "Counts runs under this key." },
      { name: "Failures", type: "number", mandatory: true, description: "How many runs fail." },
      { name: "Retryable", type: "boolean", default: true, description: "Whether failures are retryable." },
    ],
    outputs: [{ name: "Runs", type: "number", description: "How many times the action ran." }],
  },
  async handler(inputs) {
    const key = inputs.get("Key") as string;
    const runs = (flakyRuns.get(key) ?? 0) + 1;
    flakyRuns.set(key, runs);
    if (runs <= (inputs.get("Failures") as number)) {
      throw new SiqError("TEST_FAILURE", `run ${runs} failed`, { retryable: inputs.get("Retryable") as boolean });
    }
    return { outputs: { Runs: runs } };
  },
});

/** Waits until cancelled (or a long time), to test cancellation. */
export const waitAction: ActionPlugin = defineAction({
  definition: {
    id: "test-wait",
    displayName: "Test Wait",
    version: "1.0.0",
    description: "Waits for the given milliseconds, or until the run is cancelled.",
    inputs: [{ name: "Milliseconds", type: "number", mandatory: true, description: "How long to wait." }],
    outputs: [{ name: "Waited", type: "boolean", description: "True when the wait finished." }],
  },
  async handler(inputs, context) {
    await context.clock.sleep(inputs.get("Milliseconds") as number, context.signal);
    return { outputs: { Waited: true } };
  },
});

export const testActions = [echoAction, flakyAction, waitAction];

/** Outputs the user it runs as: Username and Guid (for tests of who a run is "as"). Not in testActions. */
export const whoAmIAction: ActionPlugin = defineAction({
  definition: {
    id: "test-who-am-i",
    displayName: "Test Who Am I",
    version: "1.0.0",
    description: "Outputs the running user.",
    inputs: [],
    outputs: [
      { name: "Username", type: "text", description: "The running user's name." },
      { name: "Guid", type: "text", description: "The running user's GUID." },
    ],
  },
  async handler(_inputs, context) {
    return { outputs: { Username: context.user.username, Guid: context.user.guid ?? "" } };
  },
});
