/** SmartIQ API (SPEC 5.2). */
import { defineAction, type InputProblem, type RawInput, type StaticCheckContext } from "../../runtime/definition";
import { checkHttpInputs } from "../../runtime/http/static-checks";
import { lazyHandler } from "../../runtime/util/lazy";
import type * as Handler from "./handler";
import { smartiqApiDefinition } from "./definition";

export const smartiqApiAction = defineAction({
  definition: smartiqApiDefinition,
  // Loaded on the first run: the request pipeline pulls in undici, which validating does not need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see runtime/util/lazy.ts
  handler: lazyHandler(() => (require("./handler") as typeof Handler).smartiqApiHandler),
  check: (inputs, context) => [...checkHttpInputs(inputs, context), ...checkOrigin(inputs, context)],
});

/** A literal absolute URL on another origin than connections.smartiq is refused before running. */
function checkOrigin(inputs: ReadonlyMap<string, RawInput>, context: StaticCheckContext): InputProblem[] {
  const url = inputs.get("URL");
  if (!url?.literal || typeof url.value !== "string" || !/^[a-z][a-z0-9+.-]*:/i.test(url.value.trim())) return [];
  const smartiq = context.connections.smartiq as { baseUrl?: unknown } | undefined;
  let target: string;
  let base: string | undefined;
  try {
    target = new URL(url.value.trim()).origin;
    base = typeof smartiq?.baseUrl === "string" ? new URL(smartiq.baseUrl).origin : undefined;
  } catch {
    return [];
  }
  if (base !== undefined && target === base) return [];
  return [
    {
      input: "URL",
      code: "SMARTIQ_FOREIGN_ORIGIN",
      message: base
        ? `SmartIQ API only calls SmartIQ (${base}), so the user's token never leaves it; this URL is on ${target}. Use a relative path, or Send to REST Service for other services`
        : `SmartIQ API only calls SmartIQ; without connections.smartiq it calls the embedded host, so write a relative path such as /api/v1/admin/users`,
    },
  ];
}
