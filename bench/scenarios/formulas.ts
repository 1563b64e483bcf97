/**
 * Scenario 3: formula evaluations per second (cached, next to the same computation written in
 * JavaScript; uncached, next to cached) and template renders per second (next to bare
 * Handlebars with the same template compiled once).
 */
import Handlebars from "handlebars";
import { analyzeFormula, analyzeUncached } from "../../runtime/formula";
import { analyzeTemplate } from "../../runtime/template";
import type { BenchConfig } from "../lib/config";
import type { Figure } from "../lib/report";
import { ANSWERS, benchScope } from "../lib/scope";
import { interleave, median, pairedRatio, syncRate } from "../lib/stats";

/** Formulas a form typically carries, each with the same computation written in JavaScript. */
const FORMULAS: Array<{ source: string; javascript: () => unknown }> = [
  { source: '=Replace([q37.GroupName], "|", Chr(10))', javascript: () => ANSWERS.groups.map((row) => row.GroupName).join("|").replaceAll("|", "\n") },
  { source: '=IIf(Len([q2]) > 0, Lower(Trim([q2])), Lower([q1]) & "@example.com")', javascript: () => (ANSWERS.q2.length > 0 ? ANSWERS.q2.trim().toLowerCase() : `${ANSWERS.q1.toLowerCase()}@example.com`) },
  { source: '=Concat(Upper(Left([q1], 1)), Mid([q1], 2, 20), " <", [q2], ">")', javascript: () => `${ANSWERS.q1.slice(0, 1).toUpperCase()}${ANSWERS.q1.slice(1, 21)} <${ANSWERS.q2}>` },
];

const TEMPLATE = '{ "username": "{{q1}}", "email": "{{q2}}", "note": "Created for {{q1}} ({{q2}}) by the onboarding form" }';

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench: ${what}`);
}

export async function formulas(config: BenchConfig): Promise<Figure[]> {
  const compiled = FORMULAS.map((f) => {
    const formula = analyzeFormula(f.source).formula;
    check(formula !== undefined, `formula ${f.source} does not compile`);
    check(formula?.evaluate(benchScope) === f.javascript(), `formula ${f.source} and its JavaScript differ`);
    return formula as NonNullable<typeof formula>;
  });
  const cachedEval = (n: number) => (compiled[n % compiled.length] as (typeof compiled)[number]).evaluate(benchScope);
  const cachedAnalyzeEval = (n: number) => analyzeFormula((FORMULAS[n % FORMULAS.length] as (typeof FORMULAS)[number]).source).formula?.evaluate(benchScope);
  const uncached = (n: number) => analyzeUncached((FORMULAS[n % FORMULAS.length] as (typeof FORMULAS)[number]).source).formula?.evaluate(benchScope);
  const javascript = (n: number) => (FORMULAS[n % FORMULAS.length] as (typeof FORMULAS)[number]).javascript();

  const template = analyzeTemplate(TEMPLATE, "json").template;
  check(template !== undefined, "template does not compile");
  const bare = Handlebars.create().compile(TEMPLATE, { noEscape: true, strict: false });
  check(template?.render(benchScope) === bare(benchScope.templateData()), "template and bare Handlebars differ");
  const render = () => template?.render(benchScope);
  const bareRender = () => bare(benchScope.templateData());

  const pairs: Array<{ scenario: string; engine: (n: number) => unknown; baseline: (n: number) => unknown; baselineName: string; note: string }> = [
    { scenario: "3a formula, cached", engine: cachedAnalyzeEval, baseline: javascript, baselineName: "the same computation written in JavaScript", note: "analyzeFormula(source) (cache hit) + evaluate" },
    { scenario: "3b formula, evaluate only", engine: cachedEval, baseline: javascript, baselineName: "the same computation written in JavaScript", note: "a compiled formula's evaluate()" },
    { scenario: "3c formula, uncached", engine: uncached, baseline: cachedAnalyzeEval, baselineName: "the same formulas through the cache", note: "analyzeUncached (lex, parse, check, compile) + evaluate" },
    { scenario: "3d template render (json)", engine: render, baseline: bareRender, baselineName: "bare Handlebars, compiled once, noEscape", note: "escaping for JSON included; bare Handlebars escapes nothing" },
  ];
  const figures: Figure[] = [];
  for (const pair of pairs) {
    syncRate(config.microMs / 2, pair.engine);
    syncRate(config.microMs / 2, pair.baseline);
    const rounds = await interleave(config.rounds, () => syncRate(config.microMs, pair.engine), () => syncRate(config.microMs, pair.baseline));
    figures.push({
      scenario: pair.scenario,
      metric: "ops/s",
      better: "higher",
      engine: median(rounds.a),
      baseline: median(rounds.b),
      baselineName: pair.baselineName,
      ratio: pairedRatio(rounds.a, rounds.b),
      samples: { engine: rounds.a, baseline: rounds.b },
      note: pair.note,
    });
  }
  return figures;
}
