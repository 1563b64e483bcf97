/**
 * The work the scenarios share, with no import from the runtime: baseline processes load this
 * and nothing of the engine, so their memory and start-up are the baseline's own.
 */

/**
 * Keep-alive settings shared by the engine's dispatcher and the raw undici baseline, so the
 * two differ only by what the engine does.
 */
export const AGENT_OPTIONS = { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 600_000, connections: 128, headersTimeout: 0, bodyTimeout: 0 } as const;

export const USER_SCHEMA = {
  type: "object",
  required: ["username", "email"],
  properties: { username: { type: "string" }, email: { type: "string", format: "email" }, groups: { type: "array", items: { type: "string" } } },
};

export function typicalAnswers(n: number): Record<string, unknown> {
  return { q1: `user${n}`, q2: `User${n}@Example.com`, q37: [{ GroupName: "Sales" }, { GroupName: "Support" }] };
}

/** The body the typical pipeline sends for run n, as the raw baseline sends it. */
export function typicalBody(n: number): string {
  return JSON.stringify({ username: `user${n}`, email: `user${n}@example.com`, groups: ["Sales", "Support"] });
}
