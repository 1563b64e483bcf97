import { createRuntime } from "../../runtime/runtime";
import { flakyRuns, testActions } from "../helpers/test-actions";
import { pipelineOf } from "../helpers/pipelines";
import { FakeClock } from "../helpers/fake-clock";

const questions = {
  q1: { label: "Username", type: "text", required: true },
  q2: { label: "Age", type: "number" },
  q37: { label: "Groups", type: "repeat", fields: { GroupName: "text" } },
};

function runtime(clock = new FakeClock()) {
  return createRuntime({ actions: testActions, clock });
}

afterEach(() => flakyRuns.clear());

describe("running a pipeline", () => {
  test("a host-registered action runs with inputs bound by literal, formula and structure", async () => {
    const pipeline = pipelineOf({
      name: "Echo",
      questions,
      actions: [
        {
          name: "Echo",
          type: "test-echo",
          inputs: {
            Text: "=Replace([q37.GroupName], “|”, chr(10))",
            Count: "=[q2] + 1",
            Flag: "=[q2] > 40",
            Data: { user: "=[q1]", age: "=[q2]", groups: "=[q37.GroupName]", literal: [1, true, null] },
            Pairs: "a=1\n\n  b = two  \n",
            Mode: "slow",
          },
        },
        { name: "Again", type: "Test Echo", inputs: { Text: "=[Echo.Text] & \"!\"", Data: "=[Echo.Data]" } },
      ],
    });
    const result = await runtime().run(pipeline, { answers: { q1: 'jdoe", "admin": true', q2: 41, q37: [{ GroupName: "GroupA" }, { GroupName: "GroupB" }, { GroupName: "GroupC" }] } });
    expect(result.status).toBe("succeeded");
    expect(result.actions[0]).toMatchObject({
      name: "Echo",
      type: "Test Echo",
      status: "succeeded",
      attempts: 1,
      outputs: {
        Text: "GroupA\nGroupB\nGroupC",
        Count: 42,
        Flag: true,
        // The answer stays one string value: typed insertion, never text splicing.
        Data: { user: 'jdoe", "admin": true', age: 41, groups: ["GroupA", "GroupB", "GroupC"], literal: [1, true, null] },
        Pairs: { a: "1", b: "two" },
        Mode: "Slow",
      },
    });
    expect(result.actions[1]?.outputs).toMatchObject({ Text: "GroupA\nGroupB\nGroupC!", Data: result.actions[0]?.outputs?.Data });
  });

  test("when false skips; every action skipped still succeeds", async () => {
    const pipeline = pipelineOf({
      name: "Skips",
      questions,
      actions: [
        { name: "A", type: "Test Echo", when: "=[q2] > 100", inputs: {} },
        { name: "B", type: "Test Echo", when: "=IsBlank([A.Text]) and false", inputs: {} },
      ],
    });
    const result = await runtime().run(pipeline, { answers: { q1: "x", q2: 5 } });
    expect(result).toMatchObject({ status: "succeeded", actions: [{ name: "A", status: "skipped" }, { name: "B", status: "skipped" }] });
    expect(result.actions[0]).not.toHaveProperty("attempts");
  });

  test("a failure stops the pipeline: later actions are not-run and the run fails", async () => {
    const pipeline = pipelineOf({
      name: "Stops",
      actions: [
        { name: "Fails", type: "Test Flaky", inputs: { Key: "stop", Failures: 5, Retryable: false } },
        { name: "After", type: "Test Echo", inputs: { Text: "never" } },
      ],
    });
    const result = await runtime().run(pipeline);
    expect(result.status).toBe("failed");
    expect(result.actions).toEqual([
      expect.objectContaining({ name: "Fails", status: "failed", attempts: 1, error: { code: "TEST_FAILURE", message: "run 1 failed" } }),
      { name: "After", type: "Test Echo", status: "not-run" },
    ]);
  });

  test("continueOnError lets the pipeline go on, and the run succeeds", async () => {
    const pipeline = pipelineOf({
      name: "Goes on",
      actions: [
        { name: "Fails", type: "Test Flaky", continueOnError: true, inputs: { Key: "goes-on", Failures: 1, Retryable: false } },
        { name: "After", type: "Test Echo", inputs: { Text: "=IIf(IsBlank([Fails.Runs]), \"blank\", \"set\")" } },
      ],
    });
    const result = await runtime().run(pipeline);
    expect(result.status).toBe("succeeded");
    expect(result.actions.map((a) => a.status)).toEqual(["failed", "succeeded"]);
    expect(result.actions[1]?.outputs?.Text).toBe("blank");
  });

  test("retry counts every run, waits with backoff, and retries only retryable failures", async () => {
    const clock = new FakeClock();
    const pipeline = pipelineOf({
      name: "Retries",
      actions: [
        { name: "Flaky", type: "Test Flaky", retry: { attempts: 4, waitSeconds: 2, backoff: 3 }, inputs: { Key: "r1", Failures: 2 } },
        { name: "Exhausted", type: "Test Flaky", retry: { attempts: 2, waitSeconds: 0 }, continueOnError: true, inputs: { Key: "r2", Failures: 9 } },
        { name: "Permanent", type: "Test Flaky", retry: { attempts: 5 }, inputs: { Key: "r3", Failures: 9, Retryable: false } },
      ],
    });
    const result = await runtime(clock).run(pipeline);
    expect(result.actions.map((a) => [a.name, a.status, a.attempts])).toEqual([
      ["Flaky", "succeeded", 3],
      ["Exhausted", "failed", 2],
      ["Permanent", "failed", 1],
    ]);
    expect(result.actions[0]?.outputs?.Runs).toBe(3);
    expect(clock.sleeps).toEqual([2000, 6000, 0]);
  });

  test("cancellation through an AbortSignal fails the running action and runs nothing after it", async () => {
    const pipeline = pipelineOf({
      name: "Cancel",
      actions: [
        { name: "Wait", type: "Test Wait", inputs: { Milliseconds: 60000 } },
        { name: "After", type: "Test Echo", inputs: {} },
      ],
    });
    const controller = new AbortController();
    const run = createRuntime({ actions: testActions }).run(pipeline, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 20);
    const result = await run;
    expect(result.status).toBe("failed");
    expect(result.actions.map((a) => [a.status, a.error?.code])).toEqual([
      ["failed", "CANCELLED"],
      ["not-run", undefined],
    ]);
  });

  test("secret inputs never appear in messages or results", async () => {
    const pipeline = pipelineOf({ name: "Secret", questions, actions: [{ name: "A", type: "Test Echo", inputs: { Secret: "=[q1]", Text: "=[q1] & \"-x\"" } }] });
    const result = await runtime().run(pipeline, { answers: { q1: "hunter2hunter2" } });
    expect(JSON.stringify(result)).not.toContain("hunter2hunter2");
    expect(result.actions[0]?.messages).toEqual(["secret was ***"]);
    expect(result.actions[0]?.outputs?.Text).toBe("***-x");
  });

  test("a run-time conversion error names the action and input, not the value", async () => {
    const pipeline = pipelineOf({ name: "Convert", questions, actions: [{ name: "A", type: "Test Echo", inputs: { Count: "=[q1]" } }] });
    const result = await runtime().run(pipeline, { answers: { q1: "not a number" } });
    expect(result.actions[0]?.error).toEqual({
      code: "INPUT_CONVERSION",
      message: 'The input "Count" of action "A" needs a number, but its value is text that does not convert.',
    });
  });

  test("invalid answers are refused before anything runs", async () => {
    const pipeline = pipelineOf({ name: "Answers", questions, actions: [] });
    await expect(runtime().run(pipeline, { answers: { q2: "old", q9: 1 } })).rejects.toMatchObject({
      code: "ANSWERS_INVALID",
      message: expect.stringMatching(/q2 \(Age\): expects a number.*"q9" is not a question.*q1 \(Username\) is required/),
    });
  });
});
