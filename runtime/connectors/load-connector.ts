/**
 * Loading a connector file a host or user wrote: JSON with every syntax error located, the
 * connector JSON Schema, then `checkConnector` for what a schema cannot say. Every problem is
 * reported at once, each with the JSON path of the value at fault.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { ActionPlugin } from "../definition";
import { SiqError } from "../errors";
import { parseJsonText } from "../pipeline/json-source";
import { checkAgainstSchema } from "../pipeline/schema-check";
import { ConnectorSchema, type Connector } from "../../schemas/connector";
import type * as CheckConnector from "./check-connector";
import { connectorActions } from "./connector-actions";

/** One problem of a connector file: where it is (a JSON path, or `line N`) and what is wrong. */
export interface ConnectorFileProblem {
  file: string;
  path: string;
  message: string;
}

/**
 * Reads and checks a connector file (`*.connector.json`). Fails with `FILE_NOT_FOUND`, or with
 * `CONNECTOR_INVALID` listing every problem (in `details.problems` too).
 */
export async function loadConnector(file: string): Promise<Connector> {
  let text: string;
  try {
    text = await readFile(resolve(file), "utf8");
  } catch (error) {
    throw new SiqError("FILE_NOT_FOUND", `The connector file ${file} cannot be read: check the path.`, { cause: error });
  }
  return parseConnector(text, file);
}

/** Reads and checks a connector file, and gives its actions as plugins to register. */
export async function loadConnectorActions(file: string): Promise<ActionPlugin[]> {
  return connectorActions(await loadConnector(file));
}

/** Checks connector text (JSON) as {@link loadConnector} does; `file` names it in problems. */
export function parseConnector(text: string, file = "connector"): Connector {
  const parsed = parseJsonText(text, file);
  if (parsed.problems.length > 0) {
    throw invalid(file, parsed.problems.map((problem) => ({ file, path: `${problem.path}:${problem.column}`, message: problem.message })));
  }
  return validateConnector(parsed.value, file);
}

/** Checks connector data already parsed from JSON. */
export function validateConnector(data: unknown, file = "connector"): Connector {
  const schemaProblems = checkAgainstSchema(ConnectorSchema, data).map((issue) => ({ file, path: issue.path, message: issue.message }));
  if (schemaProblems.length > 0) throw invalid(file, schemaProblems);
  const connector = data as Connector;
  const problems = checker().checkConnector(connector).map((problem) => ({ file, path: problem.path, message: problem.message }));
  if (problems.length > 0) throw invalid(file, problems);
  return connector;
}

let loaded: typeof CheckConnector | undefined;

function checker(): typeof CheckConnector {
  // The checker compiles JSONPath, XPath and RE2 expressions; a host that only imports the
  // library's entry point does not load those libraries until it loads a connector.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require("./check-connector") as typeof CheckConnector;
  return loaded;
}

function invalid(file: string, problems: ConnectorFileProblem[]): SiqError {
  const lines = problems.map((problem) => `  ${problem.file}:${problem.path}: ${problem.message}`);
  return new SiqError("CONNECTOR_INVALID", `The connector file ${file} is not valid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`, {
    details: { problems },
  });
}
