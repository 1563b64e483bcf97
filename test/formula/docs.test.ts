import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FUNCTIONS } from "../../runtime/formula";
import { generateFormulaDocs } from "../../runtime/formula/docs";

const DOCS = join(__dirname, "..", "..", "docs", "formulas.md");

test("docs/formulas.md is generated from the function table (UPDATE_DOCS=1 rewrites it)", () => {
  const generated = generateFormulaDocs();
  if (process.env.UPDATE_DOCS === "1") writeFileSync(DOCS, generated);
  expect(readFileSync(DOCS, "utf8")).toBe(generated);
});

test("every function is documented with its signature and examples", () => {
  const docs = generateFormulaDocs();
  for (const fn of FUNCTIONS) {
    expect(docs).toContain(`#### ${fn.name}\n`);
    expect(docs).toContain(`\`${fn.signature}\``);
    expect(fn.signature.startsWith(`${fn.name}(`)).toBe(true);
    expect(fn.description.length).toBeGreaterThan(20);
  }
});
