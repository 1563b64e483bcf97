/**
 * The one isolated Handlebars instance: no partials, no decorators, no prototype access, only
 * the helpers registered here. Every path lookup goes through `__siq_get` (own properties only,
 * repeat fields as lists) and every insertion through `__siq_emit` (escaping by position);
 * formula functions are helpers `__siq_fn_<name>` (see rewrite in analyze.ts).
 */
import Handlebars from "handlebars";
import { isActionError, SiqError } from "../errors";
import { FUNCTIONS } from "../formula/functions/table";
import { toValue } from "../formula/data-scope";
import type { Site } from "../formula/failure";
import type { EvaluationScope } from "../formula/scope";
import { JsonData, isPlainObject, type Value } from "../values";
import { escapeFor, type EncoderHelper } from "./escape";
import type { InsertContext } from "./lexical-state";

export const EMIT_HELPER = "__siq_emit";
export const GET_HELPER = "__siq_get";
export const FUNCTION_HELPER_PREFIX = "__siq_fn_";

/** How one `{{ }}` is inserted. */
export interface EmitSite {
  context: InsertContext;
  /** `{{{ }}}`: inserted as text without escaping. */
  raw: boolean;
  encoder: EncoderHelper | undefined;
}

/** What a render needs besides the data: the scope and the template's sites. */
export interface RenderFrame {
  scope: EvaluationScope;
  emits: readonly EmitSite[];
  calls: readonly Site[];
}

export const handlebars = Handlebars.create();

const frames: RenderFrame[] = [];

function frame(): RenderFrame {
  const current = frames[frames.length - 1];
  if (current === undefined) throw new SiqError("TEMPLATE_ERROR", "A template helper ran outside a render.");
  return current;
}

/** Runs `render` with the frame visible to the helpers (renders are synchronous). */
export function withFrame<T>(renderFrame: RenderFrame, render: () => T): T {
  frames.push(renderFrame);
  try {
    return render();
  } finally {
    frames.pop();
  }
}

/** A value as Handlebars handed it over, as a runtime value (rows and objects become JSON data). */
function fromHandlebars(value: unknown): Value {
  if (value instanceof handlebars.SafeString) return value.toString();
  return toValue(value);
}

/** One step of a path: an own property, JSON data's member, or, on a list of rows, each row's field. */
function step(value: unknown, name: string): unknown {
  const base = value instanceof JsonData ? value.data : value;
  if (Array.isArray(base)) return base.map((item) => step(item, name));
  if (isPlainObject(base)) return Object.hasOwn(base, name) ? base[name] : undefined;
  return undefined;
}

handlebars.registerHelper(GET_HELPER, (...args: unknown[]) => {
  let value = args[0];
  for (let i = 1; i < args.length - 1; i++) value = step(value, String(args[i]));
  return value;
});

handlebars.registerHelper(EMIT_HELPER, (id: unknown, value: unknown) => {
  const site = frame().emits[Number(id)];
  if (site === undefined) throw new SiqError("TEMPLATE_ERROR", "Unknown insertion site.");
  const text = site.raw ? escapeFor("text", fromHandlebars(value), undefined) : escapeFor(site.context, fromHandlebars(value), site.encoder);
  return new handlebars.SafeString(text);
});

for (const fn of FUNCTIONS) {
  handlebars.registerHelper(FUNCTION_HELPER_PREFIX + fn.name.toLowerCase(), (...args: unknown[]) => {
    const { scope, calls } = frame();
    const site = calls[Number(args[0])];
    if (site === undefined) throw new SiqError("TEMPLATE_ERROR", `Unknown call site of ${fn.name}.`);
    const values = args.slice(1, -1).map(fromHandlebars);
    return fn.lazy === true ? fn.evaluate(values.map((value) => () => value), site, scope) : fn.evaluate(values, site, scope);
  });
}

// Block helpers see JSON data (outputs such as Response Headers) as the objects and arrays it holds.
for (const name of ["each", "with", "if", "unless"]) {
  const builtIn = handlebars.helpers[name] as (this: unknown, ...args: unknown[]) => unknown;
  handlebars.registerHelper(name, function (this: unknown, ...args: unknown[]) {
    const unwrapped = args.map((arg) => (arg instanceof JsonData ? arg.data : arg));
    return builtIn.apply(this, unwrapped);
  });
}

export const KNOWN_HELPERS: Record<string, boolean> = Object.fromEntries(
  Object.keys(handlebars.helpers).map((name) => [name, true]),
);

/** Codes of an inserted value that its place refuses (escape.ts): kept, they say more than TEMPLATE_ERROR. */
const REFUSED_VALUE_CODES = new Set<string>(["URL_INVALID", "INPUT_CONVERSION"]);

/** Turns anything a render threw into TEMPLATE_ERROR (a value refused by its place keeps its code). */
export function templateError(error: unknown): SiqError {
  if (isActionError(error)) {
    return error.code === "TEMPLATE_ERROR" || REFUSED_VALUE_CODES.has(error.code) ? error : new SiqError("TEMPLATE_ERROR", error.message, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SiqError("TEMPLATE_ERROR", `The template failed while rendering: ${message}`, { cause: error });
}
