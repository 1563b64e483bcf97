/**
 * XPath 1.0 name tests that ignore namespaces (SPEC 11.5).
 *
 * An unprefixed name in an Output Path matches elements of that local name in any namespace,
 * so `/SUserResponse/SUser/Email` reads a document whose default namespace is
 * `http://schemas.servicestack.net/types`. Plain XPath 1.0 would match only elements in no
 * namespace. We tokenize the expression as XPath 1.0 does (section 3.7, with its
 * disambiguation rules) and rewrite each unprefixed element name test `Email` into
 * `*[local-name()='Email']`. Attribute names are left alone (unprefixed attributes are in no
 * namespace anyway), as are `*`, prefixed names (`p:Email`, resolved with the document's own
 * prefixes), node types (`text()`), functions, axes, literals and numbers.
 */

export type XPathTokenKind =
  | "literal" | "number" | "variable" | "nameTest" | "nodeType" | "function" | "axis" | "operator" | "punctuation";

export interface XPathToken {
  kind: XPathTokenKind;
  text: string;
  start: number;
  end: number;
}

export class XPathSyntaxError extends Error {
  override readonly name = "XPathSyntaxError";
}

const NODE_TYPES = new Set(["comment", "text", "processing-instruction", "node"]);
const OPERATOR_NAMES = new Set(["and", "or", "mod", "div"]);
const AXES = new Set([
  "ancestor", "ancestor-or-self", "attribute", "child", "descendant", "descendant-or-self", "following",
  "following-sibling", "namespace", "parent", "preceding", "preceding-sibling", "self",
]);
/** The XPath 1.0 core function library (section 4); nothing else is callable. */
export const XPATH_FUNCTIONS = new Set([
  "last", "position", "count", "id", "local-name", "namespace-uri", "name", "string", "concat", "starts-with",
  "contains", "substring-before", "substring-after", "substring", "string-length", "normalize-space", "translate",
  "boolean", "not", "true", "false", "lang", "number", "sum", "floor", "ceiling", "round",
]);

const NCNAME = /[\p{L}_][\p{L}\p{N}\p{M}_.\-\u00B7]*/uy;
const NUMBER = /\d+(?:\.\d*)?|\.\d+/y;
const SPACE = /[ \t\r\n]*/y;

function matchAt(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}

/** Index of the next non-space character at or after `at`. */
function skipSpace(text: string, at: number): number {
  SPACE.lastIndex = at;
  SPACE.exec(text);
  return SPACE.lastIndex;
}

/** Tokens of an XPath 1.0 expression; throws {@link XPathSyntaxError} for a character that starts no token. */
export function tokenizeXPath(expression: string): XPathToken[] {
  const tokens: XPathToken[] = [];
  let i = skipSpace(expression, 0);
  const push = (kind: XPathTokenKind, start: number, end: number): void => {
    tokens.push({ kind, text: expression.slice(start, end), start, end });
    i = skipSpace(expression, end);
  };
  // Rule 1 of section 3.7: after these (or at the start), `*` and names are name tests.
  const nameTestMayFollow = (): boolean => {
    const previous = tokens[tokens.length - 1];
    if (!previous) return true;
    if (previous.kind === "operator") return true;
    return previous.kind === "punctuation" && ["@", "::", "(", "[", ","].includes(previous.text);
  };

  while (i < expression.length) {
    const ch = expression[i] as string;
    const two = expression.slice(i, i + 2);
    if (ch === '"' || ch === "'") {
      const close = expression.indexOf(ch, i + 1);
      if (close < 0) throw new XPathSyntaxError(`the string starting at column ${i + 1} is not closed`);
      push("literal", i, close + 1);
      continue;
    }
    const number = matchAt(NUMBER, expression, i);
    if (number !== undefined) {
      push("number", i, i + number.length);
      continue;
    }
    if (two === "..") { push("punctuation", i, i + 2); continue; }
    if (two === "::") { push("punctuation", i, i + 2); continue; }
    if (two === "//" || two === "!=" || two === "<=" || two === ">=") { push("operator", i, i + 2); continue; }
    if ("()[].@,".includes(ch)) { push("punctuation", i, i + 1); continue; }
    if ("/|+-=<>".includes(ch)) { push("operator", i, i + 1); continue; }
    if (ch === "*") {
      push(nameTestMayFollow() ? "nameTest" : "operator", i, i + 1);
      continue;
    }
    if (ch === "$") {
      const name = matchAt(NCNAME, expression, i + 1);
      if (name === undefined) throw new XPathSyntaxError(`a variable name must follow $ at column ${i + 1}`);
      let end = i + 1 + name.length;
      const local = expression[end] === ":" ? matchAt(NCNAME, expression, end + 1) : undefined;
      if (local !== undefined) end += 1 + local.length;
      push("variable", i, end);
      continue;
    }
    const name = matchAt(NCNAME, expression, i);
    if (name === undefined) throw new XPathSyntaxError(`unexpected character ${JSON.stringify(ch)} at column ${i + 1}`);
    let end = i + name.length;
    if (!nameTestMayFollow()) {
      if (!OPERATOR_NAMES.has(name)) throw new XPathSyntaxError(`"${name}" at column ${i + 1} is not an operator (and, or, div, mod)`);
      push("operator", i, end);
      continue;
    }
    // A QName `prefix:local` or `prefix:*` has no spaces around its colon; `::` is an axis.
    if (expression[end] === ":" && expression[end + 1] !== ":") {
      if (expression[end + 1] === "*") {
        push("nameTest", i, end + 2);
        continue;
      }
      const local = matchAt(NCNAME, expression, end + 1);
      if (local === undefined) throw new XPathSyntaxError(`a name must follow "${name}:" at column ${end + 2}`);
      end += 1 + local.length;
    }
    const next = skipSpace(expression, end);
    if (expression[next] === "(") push(NODE_TYPES.has(name) ? "nodeType" : "function", i, end);
    else if (expression.startsWith("::", next)) {
      if (!AXES.has(name)) throw new XPathSyntaxError(`"${name}" at column ${i + 1} is not an XPath axis`);
      push("axis", i, end);
    } else push("nameTest", i, end);
  }
  return tokens;
}

export interface RewrittenXPath {
  /** The expression with unprefixed element name tests matching any namespace. */
  expression: string;
  /** Namespace prefixes the expression uses (resolved against the document). */
  prefixes: Set<string>;
}

/**
 * Rewrites unprefixed element name tests (see the module comment) and checks what the
 * tokenizer can: no variables (Output Path has none), only core functions.
 */
export function rewriteXPathNames(expression: string): RewrittenXPath {
  const tokens = tokenizeXPath(expression);
  const prefixes = new Set<string>();
  let out = "";
  let copied = 0;
  tokens.forEach((token, index) => {
    if (token.kind === "variable") throw new XPathSyntaxError(`variables such as ${token.text} are not available in an Output Path`);
    if (token.kind === "function") {
      if (!XPATH_FUNCTIONS.has(token.text)) throw new XPathSyntaxError(`${token.text}() is not an XPath 1.0 function`);
      return;
    }
    if (token.kind !== "nameTest" || token.text === "*") return;
    const colon = token.text.indexOf(":");
    if (colon > 0) {
      prefixes.add(token.text.slice(0, colon));
      return;
    }
    if (isAttributeOrNamespaceAxis(tokens, index)) return;
    out += expression.slice(copied, token.start) + `*[local-name()='${token.text}']`;
    copied = token.end;
  });
  return { expression: out + expression.slice(copied), prefixes };
}

function isAttributeOrNamespaceAxis(tokens: XPathToken[], index: number): boolean {
  const previous = tokens[index - 1];
  if (previous?.kind === "punctuation" && previous.text === "@") return true;
  if (previous?.kind === "punctuation" && previous.text === "::") {
    const axis = tokens[index - 2]?.text;
    return axis === "attribute" || axis === "namespace";
  }
  return false;
}
