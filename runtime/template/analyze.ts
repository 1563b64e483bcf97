/**
 * analyzeTemplate: parse a Handlebars template once, check it (syntax, blocks, function helpers
 * and their argument counts), collect the references it makes to the root data, find where each
 * `{{ }}` lands in the document, and compile a rewritten tree whose every lookup and insertion
 * goes through this module's helpers. Cached by kind and source.
 */
import { SiqError } from "../errors";
import { BoundedCache } from "../formula/cache";
import { expectedArguments } from "../formula/check";
import { functionSite, type Site } from "../formula/failure";
import { closestFunctionNames, lookupFunction } from "../formula/functions/table";
import type { EvaluationScope } from "../formula/scope";
import { prescanTemplate } from "./prescan";
import type { EncoderHelper } from "./escape";
import {
  path as makePath, stringLiteral,
  type BlockStatement, type Expression, type MustacheStatement, type PathExpression, type Program, type SourceLocation, type Statement, type SubExpression,
} from "./handlebars-ast";
import {
  EMIT_HELPER, FUNCTION_HELPER_PREFIX, GET_HELPER, KNOWN_HELPERS, handlebars, templateError, withFrame, type EmitSite,
} from "./instance";
import type { TemplateKind } from "./kinds";
import { INITIAL_STATE, advance, afterInsert, contextOf, type LexicalState } from "./lexical-state";

export type { TemplateKind };

export interface TemplateProblem {
  code: "TEMPLATE_SYNTAX" | "UNKNOWN_FUNCTION" | "ARGUMENT_COUNT";
  message: string;
  /** 1-based offset in the source string (line breaks count as characters). */
  column: number;
}

export interface TemplateWarning {
  code: "TEMPLATE_RAW";
  message: string;
  column: number;
}

export interface TemplateReference {
  /** The reference as a dotted path without brackets: `q37.GroupName`, `Create User.User Guid`. */
  text: string;
  column: number;
}

export interface CompiledTemplate {
  source: string;
  kind: TemplateKind;
  /** The rendered text; throws only SiqError TEMPLATE_ERROR. */
  render(scope: EvaluationScope): string;
}

export interface TemplateAnalysis {
  /** Present when there are no problems. */
  template?: CompiledTemplate;
  problems: readonly TemplateProblem[];
  references: readonly TemplateReference[];
  warnings: readonly TemplateWarning[];
}

const BLOCK_HELPERS = new Set(["if", "unless", "each", "with"]);
/** Blocks that change the context (`this`), which `../` steps out of. */
const CONTEXT_BLOCKS = new Set(["each", "with"]);
const DATA_VARIABLES = new Set(["root", "index", "key", "first", "last"]);
const ENCODERS = new Set<string>(["jsonencode", "xmlencode", "urlencode"]);
const ENCODER_FOR_KIND: Record<TemplateKind, EncoderHelper | undefined> = {
  text: undefined, json: "jsonencode", xml: "xmlencode", url: "urlencode", line: undefined,
};
const MAX_NESTING = 100;

const cache = new BoundedCache<TemplateAnalysis>(2000);

export function analyzeTemplate(source: string, kind: TemplateKind): TemplateAnalysis {
  const key = `${kind}\u0000${source}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const analysis = analyzeUncached(source, kind);
  cache.set(key, analysis);
  return analysis;
}

export function clearTemplateCache(): void {
  cache.clear();
}

class LineIndex {
  private readonly starts: number[] = [0];
  constructor(source: string, private readonly toOriginal: (offset: number) => number = (offset) => offset) {
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c === 0x0d) {
        if (source.charCodeAt(i + 1) === 0x0a) i++;
        this.starts.push(i + 1);
      } else if (c === 0x0a) {
        this.starts.push(i + 1);
      }
    }
  }
  /** 1-based offset of a Handlebars position (line 1-based, column 0-based). */
  column(line: number, column: number): number {
    return this.toOriginal((this.starts[Math.max(0, line - 1)] ?? 0) + column) + 1;
  }
  at(loc: SourceLocation | undefined): number {
    return loc === undefined ? 1 : this.column(loc.start.line, loc.start.column);
  }
}

interface Scope {
  /** How many context-changing blocks (#each, #with) enclose this point. */
  contextDepth: number;
  blockParams: readonly string[];
  nesting: number;
}

class Analyzer {
  readonly problems: TemplateProblem[] = [];
  readonly warnings: TemplateWarning[] = [];
  readonly references: TemplateReference[] = [];
  readonly emits: EmitSite[] = [];
  readonly calls: Site[] = [];
  private state: LexicalState = INITIAL_STATE;

  constructor(private readonly kind: TemplateKind, private readonly lines: LineIndex) {}

  private problem(code: TemplateProblem["code"], message: string, loc: SourceLocation | undefined): void {
    this.problems.push({ code, message, column: this.lines.at(loc) });
  }

  program(program: Program, scope: Scope): void {
    if (scope.nesting > MAX_NESTING) {
      this.problem("TEMPLATE_SYNTAX", `Blocks nest more than ${MAX_NESTING} levels deep; simplify the template.`, program.loc);
      return;
    }
    for (let i = 0; i < program.body.length; i++) {
      const statement = program.body[i] as Statement;
      switch (statement.type) {
        case "ContentStatement":
          this.state = advance(this.kind, this.state, statement.value);
          if (this.kind === "json" && contextOf(this.kind, this.state) === "json-escape" && program.body[i + 1]?.type !== "ContentStatement") {
            // A backslash just before {{ }} (Handlebars keeps one of "\\{{") would escape whatever
            // comes next; complete it as an escaped backslash so the JSON string stays valid.
            statement.value += "\\";
            this.state = advance(this.kind, this.state, "\\");
          }
          break;
        case "CommentStatement":
          break;
        case "MustacheStatement":
          program.body[i] = this.mustache(statement, scope);
          break;
        case "BlockStatement":
          this.block(statement, scope);
          break;
        case "PartialStatement": case "PartialBlockStatement":
          this.problem("TEMPLATE_SYNTAX", "Partials ({{> name}}) are not supported; write the text in the template itself.", statement.loc);
          break;
        case "Decorator": case "DecoratorBlock":
          this.problem("TEMPLATE_SYNTAX", "Decorators ({{* name}}) are not supported.", statement.loc);
          break;
      }
    }
  }

  private mustache(statement: MustacheStatement, scope: Scope): MustacheStatement {
    const inner = this.mustacheValue(statement, scope);
    const context = contextOf(this.kind, this.state);
    let encoder: EncoderHelper | undefined;
    if (inner.type === "SubExpression") {
      const name = inner.path.original.slice(FUNCTION_HELPER_PREFIX.length);
      if (ENCODERS.has(name) && ENCODER_FOR_KIND[this.kind] === name) encoder = name as EncoderHelper;
    }
    if (!statement.escaped) {
      this.warnings.push({
        code: "TEMPLATE_RAW",
        message: `{{{ }}} inserts the value without escaping${this.kind === "text" || this.kind === "line" ? "" : ` for ${this.kind.toUpperCase()}`}, so an answer can change the document${this.kind === "line" ? " (add lines)" : ""}; use {{ }} unless the value is trusted.`,
        column: this.lines.at(statement.loc),
      });
    } else {
      this.state = afterInsert(this.kind, this.state);
    }
    const id = this.emits.length;
    this.emits.push({ context, raw: !statement.escaped, encoder });
    const rewritten: MustacheStatement = {
      type: "MustacheStatement",
      path: makePath([EMIT_HELPER], 0, false),
      params: [stringLiteral(String(id)), inner],
      escaped: true,
    };
    if (statement.loc !== undefined) rewritten.loc = statement.loc;
    return rewritten;
  }

  /** What a `{{ }}` inserts: a helper call, a zero-argument function, a literal or a path. */
  private mustacheValue(statement: MustacheStatement, scope: Scope): Expression {
    const target = statement.path;
    if (statement.type === "Decorator") {
      this.problem("TEMPLATE_SYNTAX", "Decorators ({{* name}}) are not supported.", statement.loc);
      return stringLiteral("");
    }
    if (target.type === "PathExpression" && (statement.params.length > 0 || hasHash(statement.hash) || isZeroArgumentCall(target))) {
      const call: SubExpression = { type: "SubExpression", path: target, params: statement.params };
      if (statement.hash !== undefined) call.hash = statement.hash;
      if (target.loc !== undefined) call.loc = target.loc;
      return this.call(call, scope);
    }
    return this.expression(target, scope);
  }

  private block(statement: BlockStatement, scope: Scope): void {
    const target = statement.path;
    const name = target.type === "PathExpression" ? target.original : "";
    if (statement.type === "DecoratorBlock") {
      this.problem("TEMPLATE_SYNTAX", "Decorators ({{#* name}}) are not supported.", statement.loc);
      return;
    }
    if (!BLOCK_HELPERS.has(name)) {
      this.problem("TEMPLATE_SYNTAX", `{{#${name}}} is not a block this product supports; use {{#if}}, {{#unless}}, {{#each}} or {{#with}} (functions such as ${name} are called inline: {{${name} ...}}).`, statement.loc);
      return;
    }
    if (statement.params.length !== 1) {
      this.problem("TEMPLATE_SYNTAX", `{{#${name}}} takes exactly one value, for example {{#${name} q1}}; it has ${statement.params.length}.`, statement.loc);
      return;
    }
    if (hasHash(statement.hash) && !(name === "if" || name === "unless")) {
      this.problem("TEMPLATE_SYNTAX", `{{#${name}}} takes no named arguments.`, statement.loc);
    }
    statement.params = statement.params.map((param) => this.expression(param, scope));
    const inner: Scope = {
      contextDepth: scope.contextDepth + (CONTEXT_BLOCKS.has(name) ? 1 : 0),
      blockParams: scope.blockParams,
      nesting: scope.nesting + 1,
    };
    const before = this.state;
    let after = before;
    if (statement.program !== undefined) {
      const programScope = withBlockParams(inner, statement.program.blockParams);
      this.program(statement.program, programScope);
      after = this.state;
    }
    if (statement.inverse !== undefined) {
      // {{else}} runs in the enclosing context; chained {{else if}} blocks sit inside it.
      this.state = before;
      this.program(statement.inverse, { ...scope, nesting: scope.nesting + 1 });
      if (statement.program === undefined) after = this.state;
    }
    this.state = after;
  }

  /** A helper call: a formula function, checked and renamed to its helper. */
  private call(call: SubExpression, scope: Scope): Expression {
    const name = call.path.original;
    const fn = call.path.parts.length === 1 && !call.path.data && call.path.depth === 0 ? lookupFunction(name) : undefined;
    if (fn === undefined) {
      const closest = closestFunctionNames(name);
      this.problem("UNKNOWN_FUNCTION", `Unknown function ${name}; ${closest.length > 0 ? `did you mean ${closest.join(" or ")}?` : "see docs/formulas.md for the functions (every formula function is a helper)."}`, call.path.loc ?? call.loc);
      for (const param of call.params) this.expression(param, scope);
      return stringLiteral("");
    }
    if (hasHash(call.hash)) {
      this.problem("TEMPLATE_SYNTAX", `${fn.name} takes no named arguments (name=value); pass the values in order: {{${fn.signature}}}.`, call.loc);
    }
    if (call.params.length < fn.minArgs || call.params.length > fn.maxArgs) {
      this.problem("ARGUMENT_COUNT", `${fn.name} takes ${expectedArguments(fn)} (${fn.signature}) but is given ${call.params.length}.`, call.path.loc ?? call.loc);
    }
    const id = this.calls.length;
    this.calls.push(functionSite(fn.name, this.lines.at(call.path.loc ?? call.loc)));
    const rewritten: SubExpression = {
      type: "SubExpression",
      path: makePath([FUNCTION_HELPER_PREFIX + fn.name.toLowerCase()], 0, false),
      params: [stringLiteral(String(id)), ...call.params.map((param) => this.expression(param, scope))],
    };
    if (call.loc !== undefined) rewritten.loc = call.loc;
    return rewritten;
  }

  /** A value: literals stay, sub-expressions are calls, paths go through the lookup helper. */
  private expression(expression: Expression, scope: Scope): Expression {
    if (expression.type === "SubExpression") return this.call(expression, scope);
    if (expression.type !== "PathExpression") return expression;
    return this.lookup(expression, scope);
  }

  private lookup(path: PathExpression, scope: Scope): Expression {
    const column = this.lines.at(path.loc);
    if (path.data) {
      const variable = path.parts[0] ?? "";
      if (!DATA_VARIABLES.has(variable)) {
        this.problem("TEMPLATE_SYNTAX", `@${variable} is not a template variable; use @root, @index, @key, @first or @last.`, path.loc);
        return stringLiteral("");
      }
      if (variable === "root" && path.parts.length > 1) this.references.push({ text: path.parts.slice(1).join("."), column });
      return getCall(makePath([variable], 0, true), path.parts.slice(1), path.loc);
    }
    const first = path.parts[0];
    if (path.depth === 0 && first !== undefined && scope.blockParams.includes(first) && !path.original.startsWith("this")) {
      return getCall(makePath([first], 0, false), path.parts.slice(1), path.loc);
    }
    if (path.parts.length > 0 && path.depth === scope.contextDepth) {
      this.references.push({ text: path.parts.join("."), column });
    }
    return getCall(makePath([], path.depth, false), path.parts, path.loc);
  }
}

function hasHash(hash: { pairs: unknown[] } | undefined): boolean {
  return hash !== undefined && hash.pairs.length > 0;
}

/** `{{today}}` and `{{now}}` are calls; other bare names are lookups even when a function has that name. */
function isZeroArgumentCall(path: PathExpression): boolean {
  if (path.data || path.depth > 0 || path.parts.length !== 1 || path.original.startsWith("this")) return false;
  const fn = lookupFunction(path.original);
  return fn !== undefined && fn.minArgs === 0;
}

function withBlockParams(scope: Scope, names: string[] | undefined): Scope {
  return names === undefined || names.length === 0 ? scope : { ...scope, blockParams: [...scope.blockParams, ...names] };
}

function getCall(base: PathExpression, names: string[], loc: SourceLocation | undefined): Expression {
  const call: SubExpression = {
    type: "SubExpression",
    path: makePath([GET_HELPER], 0, false),
    params: [base, ...names.map(stringLiteral)],
  };
  if (loc !== undefined) call.loc = loc;
  return call;
}

/** Where Handlebars' parser stopped, from the error or from its lexer's last position. */
function syntaxProblem(error: unknown, source: string, lines: LineIndex): TemplateProblem {
  const raw = error instanceof Error ? error.message : String(error);
  let column = 1;
  const withLocation = error as { lineNumber?: unknown; column?: unknown };
  if (typeof withLocation.lineNumber === "number" && typeof withLocation.column === "number") {
    column = lines.column(withLocation.lineNumber, withLocation.column);
  } else {
    const lexer = (handlebars as unknown as { Parser?: { lexer?: { yylloc?: { first_line: number; first_column: number; last_line: number; last_column: number } } } }).Parser?.lexer;
    const loc = lexer?.yylloc;
    if (loc !== undefined) {
      column = /^Lexical error/.test(raw) ? lines.column(loc.last_line, loc.last_column) : lines.column(loc.first_line, loc.first_column);
    }
  }
  column = Math.min(Math.max(column, 1), source.length + 1);
  return { code: "TEMPLATE_SYNTAX", message: `The template cannot be read: ${explainSyntaxError(raw)}`, column };
}

/** Handlebars' parser messages in words a form builder can act on. */
function explainSyntaxError(raw: string): string {
  const got = /got '([A-Z_]+)'/.exec(raw)?.[1];
  if (got === "EOF") return "it ends too early: a {{#block}} needs its {{/block}}, and every {{ its }}.";
  if (got === "INVALID") return "this character cannot appear inside {{ }}; write names with spaces or punctuation in brackets, as in {{[Create User].[User Guid]}}.";
  if (got !== undefined) return "something is missing or out of place here; check the {{ }} around this point (a {{#block}} needs its {{/block}}, {{{ }}} needs three braces on both sides).";
  if (/^Lexical error/.test(raw)) return "this text cannot be read as part of a {{ }}.";
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(raw);
  if (mismatch !== null) return `{{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}; close it with {{/${mismatch[1]}}}.`;
  return `${(raw.split("\n")[0] ?? raw).replace(/ - \d+:\d+$/, "")}.`;
}

export function analyzeUncached(source: string, kind: TemplateKind): TemplateAnalysis {
  const prepared = prescanTemplate(source);
  if (prepared.refusal !== undefined) {
    return { problems: [{ code: "TEMPLATE_SYNTAX", message: prepared.refusal.message, column: prepared.refusal.offset + 1 }], references: [], warnings: [] };
  }
  const lines = new LineIndex(prepared.text, prepared.toOriginal);
  let ast: Program;
  try {
    ast = handlebars.parse(prepared.text) as unknown as Program;
  } catch (error) {
    return { problems: [syntaxProblem(error, source, lines)], references: [], warnings: [] };
  }
  const analyzer = new Analyzer(kind, lines);
  try {
    analyzer.program(ast, { contextDepth: 0, blockParams: [], nesting: 0 });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { problems: [{ code: "TEMPLATE_SYNTAX", message: "The template nests too deeply to read; simplify it.", column: 1 }], references: [], warnings: [] };
  }
  const { problems, references, warnings, emits, calls } = analyzer;
  problems.sort((a, b) => a.column - b.column);
  if (problems.length > 0) return { problems, references, warnings };
  let compiled: HandlebarsTemplateDelegate;
  try {
    compiled = compileNow(ast);
  } catch (error) {
    return { problems: [syntaxProblem(error, source, lines)], references, warnings };
  }
  const template: CompiledTemplate = {
    source,
    kind,
    render(scope) {
      try {
        const data = scope.templateData();
        return withFrame({ scope, emits, calls }, () => compiled(data, {
          allowProtoPropertiesByDefault: false,
          allowProtoMethodsByDefault: false,
          partials: {},
          decorators: {},
        }));
      } catch (error) {
        throw templateError(error);
      }
    },
  };
  return { template, problems: [], references, warnings };
}

const COMPILE_OPTIONS = {
  knownHelpers: KNOWN_HELPERS,
  knownHelpersOnly: true,
  // Root references are checked before running; strict lookups would fail rows without a field.
  strict: false,
  noEscape: false,
  preventIndent: true,
  data: true,
};

/** Compiles the rewritten tree now (Handlebars.compile would wait until the first render). */
function compileNow(ast: Program): HandlebarsTemplateDelegate {
  const env = handlebars as unknown as {
    Compiler: new () => { compile(ast: unknown, options: unknown): unknown };
    JavaScriptCompiler: new () => { compile(environment: unknown, options: unknown, context: unknown, asObject: boolean): unknown };
    template(spec: unknown): HandlebarsTemplateDelegate;
  };
  const environment = new env.Compiler().compile(ast, COMPILE_OPTIONS);
  const spec = new env.JavaScriptCompiler().compile(environment, COMPILE_OPTIONS, undefined, true);
  return setUpOnce(env.template(spec));
}

/**
 * Handlebars sets a template up at the start of every render: it wraps every helper of the
 * instance in a new closure (some 70 here, the formula functions included), which was most of
 * a render's time and garbage. What it builds depends only on the instance's helpers and the
 * render options, and neither changes here (helpers are registered once, when instance.ts
 * loads; every render passes the same options), so each template is set up on its first
 * render and keeps that set-up. A partial render (never made here) still sets up as before.
 */
function setUpOnce(template: HandlebarsTemplateDelegate): HandlebarsTemplateDelegate {
  const withSetup = template as HandlebarsTemplateDelegate & { _setup?: (options: { partial?: boolean }) => void };
  const setUp = withSetup._setup;
  if (typeof setUp !== "function") return template;
  let ready = false;
  withSetup._setup = function (this: unknown, options: { partial?: boolean }) {
    if (ready && options.partial !== true) return;
    setUp.call(this, options);
    ready = options.partial !== true;
  };
  return template;
}

export function isTemplateError(error: unknown): error is SiqError {
  return error instanceof SiqError && error.code === "TEMPLATE_ERROR";
}
