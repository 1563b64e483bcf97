/**
 * The actions a runtime knows: the built-ins (listed explicitly in actions/index.ts) plus the
 * host's own. An action is found by its id or its display name, ignoring case.
 */
import { SiqError } from "./errors";
import type { ActionPlugin } from "./definition";
import { checkActionDefinition } from "./definition-check";

export class ActionRegistry {
  private readonly byKey = new Map<string, ActionPlugin>();
  private readonly ordered: ActionPlugin[] = [];

  /**
   * `verified` lists plugins whose definitions are known to be valid (the built-ins, which the
   * test suite checks): they are registered without checking them again.
   */
  constructor(plugins: readonly ActionPlugin[] = [], options: { verified?: readonly ActionPlugin[] } = {}) {
    const verified = new Set(options.verified ?? []);
    for (const plugin of plugins) this.register(plugin, verified.has(plugin));
  }

  /** Adds an action; its definition is validated (unless `verified`), and ids and names must stay unique. */
  register(plugin: ActionPlugin, verified = false): void {
    if (!verified) checkActionDefinition(plugin.definition);
    const { id, displayName } = plugin.definition;
    for (const key of [id, displayName]) {
      const existing = this.byKey.get(key.toLowerCase());
      if (existing) {
        throw new SiqError(
          "ACTION_CONFLICT",
          `The action "${displayName}" (${id}) clashes with the registered action "${existing.definition.displayName}" (${existing.definition.id}): ids and display names must be unique.`,
        );
      }
    }
    this.byKey.set(id.toLowerCase(), plugin);
    this.byKey.set(displayName.toLowerCase(), plugin);
    this.ordered.push(plugin);
  }

  /** The action with this id or display name, ignoring case. */
  find(type: string): ActionPlugin | undefined {
    return this.byKey.get(type.trim().toLowerCase());
  }

  list(): readonly ActionPlugin[] {
    return this.ordered;
  }
}
