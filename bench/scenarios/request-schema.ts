/**
 * Scenario 4: Request Schema validations per second, next to a bare compiled Ajv validator of
 * the same schema (JSON Schema 2020-12, ajv-formats).
 */
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { compileRequestSchema } from "../../runtime/http/request-schema";
import type { BenchConfig } from "../lib/config";
import { USER_SCHEMA } from "../lib/pipelines";
import type { Figure } from "../lib/report";
import { interleave, median, pairedRatio, syncRate } from "../lib/stats";

const NESTED_SCHEMA = {
  type: "object",
  required: ["user", "groups"],
  properties: {
    user: {
      type: "object",
      required: ["username", "email"],
      properties: {
        username: { type: "string", minLength: 1, maxLength: 64, pattern: "^[a-z][a-z0-9._-]*$" },
        email: { type: "string", format: "email" },
        name: { type: "object", properties: { first: { type: "string" }, last: { type: "string" } } },
      },
    },
    groups: { type: "array", items: { type: "object", required: ["name"], properties: { name: { type: "string" }, admin: { type: "boolean" } } } },
    source: { enum: ["form", "import"] },
  },
};

const NESTED_BODY = {
  user: { username: "jdoe", email: "jdoe@example.com", name: { first: "Jane", last: "Doe" } },
  groups: [{ name: "Sales" }, { name: "Support", admin: false }],
  source: "form",
};

const USER_BODY = { username: "jdoe", email: "jdoe@example.com", groups: ["Sales", "Support"] };

export async function requestSchema(config: BenchConfig): Promise<Figure[]> {
  const cases = [
    { scenario: "4a Request Schema, flat", schema: USER_SCHEMA, body: USER_BODY },
    { scenario: "4b Request Schema, nested", schema: NESTED_SCHEMA, body: NESTED_BODY },
  ];
  const figures: Figure[] = [];
  for (const c of cases) {
    const exact = compileRequestSchema(c.schema);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const bare = ajv.compile(structuredClone(c.schema));
    if (!bare(c.body)) throw new Error(`bench: ${c.scenario} body fails bare Ajv`);
    exact.check(c.body);
    const engine = () => exact.check(c.body);
    const baseline = () => bare(c.body);
    syncRate(config.microMs / 2, engine);
    syncRate(config.microMs / 2, baseline);
    const rounds = await interleave(config.rounds, () => syncRate(config.microMs, engine), () => syncRate(config.microMs, baseline));
    figures.push({
      scenario: c.scenario,
      metric: "checks/s",
      better: "higher",
      engine: median(rounds.a),
      baseline: median(rounds.b),
      baselineName: "bare Ajv 2020 validator of the same schema (allErrors)",
      ratio: pairedRatio(rounds.a, rounds.b),
      samples: { engine: rounds.a, baseline: rounds.b },
      note: "compileRequestSchema(schema).check(body) on a compiled schema; the exact (closed) schema does more than the bare one",
    });
  }
  // What an action pays per run for a schema that is not a literal (JSON text, or built by a
  // formula): looked up by content each time.
  const text = JSON.stringify(NESTED_SCHEMA);
  const byContent = () => compileRequestSchema(text).check(NESTED_BODY);
  const precompiled = compileRequestSchema(NESTED_SCHEMA);
  const checkOnly = () => precompiled.check(NESTED_BODY);
  syncRate(config.microMs / 2, byContent);
  const rounds = await interleave(config.rounds, () => syncRate(config.microMs, byContent), () => syncRate(config.microMs, checkOnly));
  figures.push({
    scenario: "4c Request Schema as JSON text",
    metric: "checks/s",
    better: "higher",
    engine: median(rounds.a),
    baseline: median(rounds.b),
    baselineName: "check on the compiled schema (4b)",
    ratio: pairedRatio(rounds.a, rounds.b),
    samples: { engine: rounds.a, baseline: rounds.b },
    note: "compileRequestSchema(jsonText) per check: parse, limits, canonical text, cache lookup",
  });
  return figures;
}
