import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ERROR_CODES } from "../../runtime/errors";
import { renderErrorDocs } from "../../runtime/errors-docs";

const root = join(__dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

test("every code the source throws is listed, with its meaning, in ERROR_CODES", () => {
  const used = new Set<string>();
  for (const file of [...sourceFiles(join(root, "runtime")), ...sourceFiles(join(root, "actions"))]) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/new SiqError\(\s*"([A-Z][A-Z0-9_]*)"/g)) used.add(match[1] as string);
  }
  expect(used.size).toBeGreaterThan(20);
  expect([...used].filter((code) => !Object.hasOwn(ERROR_CODES, code)).sort()).toEqual([]);
});

test("docs/errors.md is written from ERROR_CODES (UPDATE_DOCS=1 rewrites it)", () => {
  const path = join(root, "docs", "errors.md");
  if (process.env.UPDATE_DOCS === "1") writeFileSync(path, renderErrorDocs());
  expect(readFileSync(path, "utf8")).toBe(renderErrorDocs());
});
