/** The function table: every formula function, looked up by name ignoring case. */
import { DATE_FUNCTIONS } from "./dates";
import { ENCODING_FUNCTIONS } from "./encoding";
import { FORMAT_FUNCTIONS } from "./format";
import { LIST_FUNCTIONS } from "./lists";
import { LOGIC_FUNCTIONS } from "./logic";
import { NUMBER_FUNCTIONS } from "./numbers";
import { TEXT_FUNCTIONS } from "./text";
import type { FormulaFunction } from "./types";

export const FUNCTIONS: readonly FormulaFunction[] = [
  ...TEXT_FUNCTIONS,
  ...FORMAT_FUNCTIONS,
  ...LIST_FUNCTIONS,
  ...LOGIC_FUNCTIONS,
  ...NUMBER_FUNCTIONS,
  ...DATE_FUNCTIONS,
  ...ENCODING_FUNCTIONS,
];

const BY_NAME = new Map<string, FormulaFunction>(FUNCTIONS.map((fn) => [fn.name.toLowerCase(), fn]));

/** The function a call names, ignoring case; undefined for unknown names. */
export function lookupFunction(name: string): FormulaFunction | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** The known function names closest to a misspelt one (edit distance), best first. */
export function closestFunctionNames(name: string, limit = 3): string[] {
  const wanted = name.toLowerCase();
  const scored: [number, string][] = [];
  for (const fn of FUNCTIONS) {
    const distance = editDistance(wanted, fn.name.toLowerCase());
    const close = distance <= Math.max(2, Math.floor(fn.name.length / 3)) ||
      (wanted.length >= 3 && fn.name.toLowerCase().startsWith(wanted));
    if (close) scored.push([distance, fn.name]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  return scored.slice(0, limit).map(([, fnName]) => fnName);
}

function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Math.max(a.length, b.length);
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
