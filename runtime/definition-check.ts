/** Checks an action definition against its JSON Schema and for internal consistency. */
import actionDefinitionSchema from "../schemas/action-definition.schema.json";
import type { ActionDefinition } from "./definition";
import { SiqError } from "./errors";
import { checkAgainstSchema } from "./pipeline/schema-check";

export function checkActionDefinition(definition: ActionDefinition): void {
  const issues = checkAgainstSchema(actionDefinitionSchema, definition).map((issue) => `${issue.path}: ${issue.message}`);
  const seen = new Set<string>();
  for (const input of definition.inputs ?? []) {
    if (seen.has(input.name)) issues.push(`input "${input.name}" is defined twice`);
    seen.add(input.name);
    if (input.type === "keyValueList" && !input.separator) issues.push(`input "${input.name}" is a keyValueList without a separator`);
  }
  const outputs = new Set<string>();
  for (const output of definition.outputs ?? []) {
    if (outputs.has(output.name)) issues.push(`output "${output.name}" is defined twice`);
    outputs.add(output.name);
  }
  if (issues.length > 0) {
    throw new SiqError(
      "ACTION_DEFINITION_INVALID",
      `The action definition "${String(definition.displayName ?? definition.id)}" is not valid: ${issues.join("; ")}.`,
    );
  }
}
