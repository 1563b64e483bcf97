/**
 * A linear pass over a template before Handlebars parses it.
 *
 * 1. Handlebars reads `}}}` as the end of a `{{{raw}}}` mustache, so the natural JSON
 *    `{"n": {{q3}}}` would not parse. An empty comment `{{!}}` is put between a mustache's `}}`
 *    and a `}` that follows it; positions are mapped back to the source as written.
 * 2. Handlebars' parser takes more than linear time on deeply nested blocks (and overflows the
 *    stack), so nesting of blocks and of sub-expressions is limited here, before it runs.
 */

const SEPARATOR = "{{!}}";
/** Nested blocks, counting each `{{else if ...}}` of a chain as one more level (Handlebars nests them). */
export const MAX_BLOCK_DEPTH = 100;
export const MAX_SUBEXPRESSION_DEPTH = 32;

export interface PreparedSource {
  text: string;
  /** 0-based offset in `text` → 0-based offset in the original source. */
  toOriginal(offset: number): number;
  /** A reason not to parse at all, with its 0-based offset in the original source. */
  refusal?: { message: string; offset: number };
}

export function prescanTemplate(source: string): PreparedSource {
  const insertions: number[] = []; // offsets in the original source where SEPARATOR goes
  const chains: number[] = []; // per open block: how many {{else if}} it has had so far
  let depth = 0;
  let i = 0;
  for (;;) {
    const open = source.indexOf("{{", i);
    if (open < 0) break;
    // "\{{" is literal text up to the next "{{"; "\\{{" is a backslash and a real mustache.
    if (source[open - 1] === "\\" && source[open - 2] !== "\\") { i = open + 2; continue; }
    if (source.startsWith("{{{{", open)) {
      return refuse(source, "Raw blocks ({{{{ }}}}) are not supported; use {{{value}}} for one unescaped value.", open);
    }
    let head = open + 2;
    if (source[head] === "~") head++;
    if (source.startsWith("!--", head)) {
      const end = source.indexOf("--}}", head + 3);
      if (end < 0) break;
      i = end + 4;
      continue;
    }
    if (source[head] === "!") {
      const end = source.indexOf("}}", head + 1);
      if (end < 0) break;
      i = end + 2;
      continue;
    }
    const triple = source[open + 2] === "{";
    const tooDeep = `Blocks nest more than ${MAX_BLOCK_DEPTH} levels deep here (an {{else if}} counts as one more); simplify the template.`;
    if (source[head] === "#" || (source[head] === "^" && !/^\^\s*~?\}\}/.test(source.slice(head, head + 8)))) {
      chains.push(0);
      if (++depth > MAX_BLOCK_DEPTH) return refuse(source, tooDeep, open);
    } else if (/^else\s+[^\s~}]/.test(source.slice(head, head + 8)) && chains.length > 0) {
      chains[chains.length - 1] = (chains[chains.length - 1] ?? 0) + 1;
      if (++depth > MAX_BLOCK_DEPTH) return refuse(source, tooDeep, open);
    } else if (source[head] === "/") {
      depth = Math.max(0, depth - 1 - (chains.pop() ?? 0));
    }
    let j = head;
    let parentheses = 0;
    let closed = false;
    while (j < source.length) {
      const c = source[j];
      if (c === "\"" || c === "'") {
        const end = source.indexOf(c, j + 1);
        if (end < 0) break;
        j = end + 1;
      } else if (c === "[") {
        const end = source.indexOf("]", j + 1);
        if (end < 0) break;
        j = end + 1;
      } else if (c === "(") {
        parentheses++;
        if (parentheses > MAX_SUBEXPRESSION_DEPTH) return refuse(source, `Helper calls nest more than ${MAX_SUBEXPRESSION_DEPTH} levels deep here; simplify the template.`, j);
        j++;
      } else if (c === ")") {
        parentheses = Math.max(0, parentheses - 1);
        j++;
      } else if (source.startsWith("}}", j)) {
        closed = true;
        break;
      } else {
        j++;
      }
    }
    if (!closed) break;
    const end = j + (triple && source[j + 2] === "}" ? 3 : 2);
    if (source[end] === "}") insertions.push(end);
    i = end;
  }
  if (insertions.length === 0) return { text: source, toOriginal: (offset) => offset };
  let text = "";
  let last = 0;
  for (const at of insertions) {
    text += source.slice(last, at) + SEPARATOR;
    last = at;
  }
  text += source.slice(last);
  // Where each separator sits in `text`; binary search keeps every position lookup logarithmic.
  const starts = insertions.map((at, k) => at + k * SEPARATOR.length);
  return {
    text,
    toOriginal(offset) {
      let low = 0;
      let high = starts.length; // count of separators starting at or before offset
      while (low < high) {
        const middle = (low + high) >> 1;
        if ((starts[middle] as number) <= offset) low = middle + 1;
        else high = middle;
      }
      if (low === 0) return offset;
      const start = starts[low - 1] as number;
      if (offset < start + SEPARATOR.length) return insertions[low - 1] as number;
      return offset - low * SEPARATOR.length;
    },
  };
}

function refuse(source: string, message: string, offset: number): PreparedSource {
  return { text: source, toOriginal: (o) => o, refusal: { message, offset } };
}
