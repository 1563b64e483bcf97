import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { PUBLISHED_SCHEMAS, schemaDocument, schemaFileText } from "../../schemas";

const root = join(__dirname, "..", "..");

describe.each(Object.entries(PUBLISHED_SCHEMAS))("schemas/%s", (file, schema) => {
  test("is written from its TypeBox source (run `npm run schemas` after changing it)", () => {
    expect(readFileSync(join(root, "schemas", file), "utf8")).toBe(schemaFileText(schema));
  });

  test("is a valid draft 2020-12 schema", () => {
    const ajv = new Ajv2020({ strict: false });
    expect(() => ajv.compile(schemaDocument(schema))).not.toThrow();
  });

  test("describes every field, so editors show help", () => {
    const missing: string[] = [];
    const visit = (node: unknown, path: string, describedByParent: boolean) => {
      if (node === null || typeof node !== "object") return;
      const record = node as Record<string, unknown>;
      const isField = path.includes("properties/") || path.endsWith("/items") || path.includes("additionalProperties");
      if (isField && !describedByParent && typeof record.description !== "string" && !("const" in record)) missing.push(path);
      const properties = record.properties as Record<string, unknown> | undefined;
      for (const [name, child] of Object.entries(properties ?? {})) visit(child, `${path}/properties/${name}`, false);
      // The values of a map (questions by id, inputs by name) share the map's help.
      const patterns = record.patternProperties as Record<string, unknown> | undefined;
      for (const [name, child] of Object.entries(patterns ?? {})) visit(child, `${path}/patternProperties/${name}`, typeof record.description === "string");
      // Alternatives of a union and the items of a described list share their parent's help.
      for (const key of ["anyOf", "oneOf", "allOf"]) {
        const children = record[key] as unknown[] | undefined;
        children?.forEach((child, i) => visit(child, `${path}/${key}/${i}`, typeof record.description === "string"));
      }
      if (record.items) visit(record.items, `${path}/items`, typeof record.description === "string");
      if (record.additionalProperties && typeof record.additionalProperties === "object") {
        visit(record.additionalProperties, `${path}/additionalProperties`, typeof record.description === "string");
      }
    };
    visit(schemaDocument(schema), "#", false);
    expect(missing).toEqual([]);
  });
});
