import { analyzeFormula, FUNCTIONS } from "../../runtime/formula";
import { displayValue } from "../../runtime/formula/display";
import { exampleScope } from "../../runtime/formula/examples";

const examples = FUNCTIONS.flatMap((fn) => fn.examples.map((example) => [fn.name, example.formula, example.result] as const));

test("every function has at least one documented example", () => {
  for (const fn of FUNCTIONS) expect(fn.examples.length).toBeGreaterThan(0);
});

test.each(examples)("%s: %s gives %s", (_name, formula, result) => {
  const analysis = analyzeFormula(formula);
  expect(analysis.problems).toEqual([]);
  expect(displayValue(analysis.formula?.evaluate(exampleScope()) ?? null)).toBe(result);
});
