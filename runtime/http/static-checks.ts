/**
 * What the HTTP actions can tell before running (SPEC 11.9): a Request Body without Request
 * Schema, an invalid schema, a literal body that fails its literal schema, an invalid Output
 * Path or Pagination, an unknown connection.
 */
import type { InputProblem, RawInput, StaticCheckContext } from "../definition";
import { SiqError } from "../errors";
import { compileOutputPath } from "../extract/output-path";
import { parsePagination } from "./pagination";
import { compileRequestSchema, requestSchemaRequiredError } from "./request-schema";

export function checkHttpInputs(inputs: ReadonlyMap<string, RawInput>, context: StaticCheckContext): InputProblem[] {
  const problems: InputProblem[] = [];
  const attempt = (input: string, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      if (!(error instanceof SiqError)) throw error;
      problems.push({ input, code: error.code, message: error.message });
    }
  };

  const body = inputs.get("Request Body");
  const schema = inputs.get("Request Schema");
  if (body && !isBlank(body.value) && (!schema || isBlank(schema.value))) {
    const error = requestSchemaRequiredError();
    problems.push({ input: "Request Body", code: error.code, message: error.message });
  }
  if (schema?.literal && !isBlank(schema.value)) {
    attempt("Request Schema", () => {
      const value = typeof schema.value === "string" ? parseJson(schema.value) : schema.value;
      const exact = compileRequestSchema(value);
      if (body?.literal && !isBlank(body.value)) {
        const bodyValue = typeof body.value === "string" ? parseJson(body.value, "Request Body") : body.value;
        try {
          exact.check(bodyValue);
        } catch (error) {
          if (error instanceof SiqError) problems.push({ input: "Request Body", code: error.code, message: error.message });
          else throw error;
        }
      }
    });
  }
  const outputPath = inputs.get("Output Path");
  if (outputPath?.literal && typeof outputPath.value === "string" && outputPath.value.trim() !== "") {
    attempt("Output Path", () => compileOutputPath(outputPath.value as string));
  }
  const pagination = inputs.get("Pagination");
  if (pagination?.literal) attempt("Pagination", () => parsePagination(pagination.value));
  const connection = inputs.get("Connection");
  if (connection?.literal && typeof connection.value === "string" && connection.value.trim() !== "") {
    const name = connection.value.trim();
    if (!Object.hasOwn(context.connections, name)) {
      const known = Object.keys(context.connections);
      problems.push({
        input: "Connection",
        code: "CONNECTION_UNKNOWN",
        message: `the pipeline has no connection "${name}"${known.length ? `; it has ${known.map((k) => `"${k}"`).join(", ")}` : "; add it under \"connections\""}`,
      });
    }
  }
  return problems;
}

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "string" && value.trim() === "");
}

function parseJson(text: string, input = "Request Schema"): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SiqError(input === "Request Schema" ? "REQUEST_SCHEMA_INVALID" : "REQUEST_BODY_NOT_JSON", `${input} is not valid JSON.`);
  }
}
