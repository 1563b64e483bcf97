/**
 * Handlebars reads `}}}` as the end of a `{{{raw}}}` mustache, so the natural JSON
 * `{"n": {{q3}}}` would not parse. Before parsing, an empty comment `{{!}}` is put between a
 * mustache's `}}` and a `}` that follows it; positions are mapped back to the source as written.
 */

const SEPARATOR = "{{!}}";

export interface PreparedSource {
  text: string;
  /** 0-based offset in `text` → 0-based offset in the original source. */
  toOriginal(offset: number): number;
}

export function separateClosingBraces(source: string): PreparedSource {
  const insertions: number[] = []; // offsets in the original source where SEPARATOR goes
  let i = 0;
  for (;;) {
    const open = source.indexOf("{{", i);
    if (open < 0) break;
    if (open > 0 && source[open - 1] === "\\") { i = open + 2; continue; } // \{{ is literal text
    if (source.startsWith("{{!--", open)) {
      const end = source.indexOf("--}}", open + 5);
      if (end < 0) break;
      i = end + 4;
      continue;
    }
    if (source.startsWith("{{!", open)) {
      const end = source.indexOf("}}", open + 3);
      if (end < 0) break;
      i = end + 2;
      continue;
    }
    if (source.startsWith("{{{{", open)) break; // raw blocks: leave the rest as written
    const triple = source.startsWith("{{{", open);
    let j = open + (triple ? 3 : 2);
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
  return {
    text,
    toOriginal(offset) {
      let shift = 0;
      for (let k = 0; k < insertions.length; k++) {
        const start = (insertions[k] as number) + shift; // where this separator sits in `text`
        if (offset < start) break;
        if (offset < start + SEPARATOR.length) return insertions[k] as number;
        shift += SEPARATOR.length;
      }
      return offset - shift;
    },
  };
}
