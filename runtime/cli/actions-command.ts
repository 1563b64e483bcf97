/** `siq actions [NAME]`: the registered actions, from their definitions. */
import { Command } from "commander";
import type { ActionDefinition } from "../definition";
import { SiqError } from "../errors";
import { builtInRegistry } from "../pipeline/load";
import { didYouMean } from "../util/suggest";
import { colorsFor, type CliIo, type Colors } from "./io";
import { writeJson } from "./output";
import { connectorActionsFromEnv } from "./connector-files";

export function actionsCommand(io: CliIo): Command {
  return new Command("actions")
    .description("list the actions, or show one action's inputs and outputs")
    .argument("[name]", "an action's display name or id")
    .option("--json", "print the definitions as JSON")
    .action(async (name: string | undefined, options: { json?: boolean }) => {
      const registry = builtInRegistry(await connectorActionsFromEnv(io));
      const colors = colorsFor(io.stdout, io.env);
      if (name === undefined) {
        const definitions = registry.list().map((plugin) => plugin.definition);
        if (options.json) return writeJson(io, definitions);
        const width = Math.max(0, ...definitions.map((d) => d.displayName.length));
        const idWidth = Math.max(0, ...definitions.map((d) => d.id.length));
        for (const definition of definitions) {
          io.stdout.write(`${colors.bold(definition.displayName.padEnd(width))}  ${colors.dim(definition.id.padEnd(idWidth))}  ${firstSentence(definition.description)}\n`);
        }
        return;
      }
      const plugin = registry.find(name);
      if (!plugin) {
        const names = registry.list().map((p) => p.definition.displayName);
        throw new SiqError("USAGE", `No action is called "${name}"${didYouMean(name, names)}; \`siq actions\` lists them.`);
      }
      if (options.json) return writeJson(io, plugin.definition);
      writeDefinition(io, colors, plugin.definition);
    });
}

/** The list shows each description's first sentence; `siq actions NAME` shows it all. */
function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}

function writeDefinition(io: CliIo, colors: Colors, definition: ActionDefinition): void {
  io.stdout.write(`${colors.bold(definition.displayName)} ${colors.dim(`(${definition.id}, version ${definition.version})`)}\n${definition.description}\n\n`);
  io.stdout.write(`${colors.bold("Inputs")}\n`);
  for (const input of definition.inputs) {
    const flags = [input.type, input.mandatory ? "mandatory" : "", input.default !== undefined ? `default ${JSON.stringify(input.default)}` : "", input.secret ? "secret" : ""]
      .filter(Boolean)
      .join(", ");
    io.stdout.write(`  ${colors.cyan(input.name)} ${colors.dim(`(${flags})`)}\n      ${input.description}\n`);
    if (input.options) io.stdout.write(`      ${colors.dim(`one of: ${input.options.join(", ")}`)}\n`);
  }
  io.stdout.write(`\n${colors.bold("Outputs")}\n`);
  for (const output of definition.outputs) {
    io.stdout.write(`  ${colors.cyan(output.name)} ${colors.dim(`(${output.type})`)}\n      ${output.description}\n`);
  }
}
