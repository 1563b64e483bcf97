/**
 * A host action that waits at a named gate until the test opens it: to see a run's progress
 * while it is under way. Its Password output is declared secret and made fresh each run.
 */
import { randomBytes } from "node:crypto";
import { defineAction, type ActionPlugin } from "../../../runtime/definition";
import { SiqError } from "../../../runtime/errors";

export class Gates {
  private readonly gates = new Map<string, { promise: Promise<void>; open: () => void }>();
  /** The Password each gate's action returned last. */
  readonly passwords = new Map<string, string>();

  private gate(name: string) {
    let gate = this.gates.get(name);
    if (!gate) {
      let open = () => undefined as void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
      this.gates.set(name, gate);
    }
    return gate;
  }

  open(name: string): void {
    this.gate(name).open();
  }

  wait(name: string, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new SiqError("CANCELLED", `The gate "${name}" was abandoned: the run was cancelled.`));
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      void this.gate(name).promise.then(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }
}

export function gateAction(gates: Gates): ActionPlugin {
  return defineAction({
    definition: {
      id: "test-gate",
      displayName: "Test Gate",
      version: "1.0.0",
      description: "Waits until the test opens its gate (when Wait is true), then returns a fresh password.",
      inputs: [
        { name: "Gate", type: "text", mandatory: true, description: "The gate's name." },
        { name: "Wait", type: "boolean", default: false, description: "Wait for the gate to open." },
      ],
      outputs: [
        { name: "Gate", type: "text", description: "The gate's name." },
        { name: "Password", type: "text", secret: true, description: "A password made for this run." },
      ],
    },
    async handler(inputs, context) {
      const name = inputs.get("Gate") as string;
      if (inputs.get("Wait") === true) await gates.wait(name, context.signal);
      const password = `pw-${randomBytes(6).toString("hex")}`;
      gates.passwords.set(name, password);
      return { outputs: { Gate: name, Password: password } };
    },
  });
}
