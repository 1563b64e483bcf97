/**
 * The built-in actions' definitions are registered without checking them at every start (an
 * Ajv compile of the definition schema): this test is where they are checked instead.
 */
import { builtInActions } from "../../actions";
import { checkActionDefinition } from "../../runtime/definition-check";
import { ActionRegistry } from "../../runtime/registry";

test.each(builtInActions.map((plugin) => [plugin.definition.displayName, plugin] as const))("%s has a valid definition", (_name, plugin) => {
  expect(() => checkActionDefinition(plugin.definition)).not.toThrow();
});

test("a host action is still checked when registered next to verified ones", () => {
  const broken = { ...builtInActions[0], definition: { ...builtInActions[0]?.definition, id: "Not An Id!", displayName: "Broken" } } as (typeof builtInActions)[number];
  expect(() => new ActionRegistry([...builtInActions, broken], { verified: builtInActions })).toThrow(expect.objectContaining({ code: "ACTION_DEFINITION_INVALID" }));
});
