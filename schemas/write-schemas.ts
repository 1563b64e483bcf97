/** Writes schemas/*.schema.json from the TypeBox sources: `npm run schemas`. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PUBLISHED_SCHEMAS, schemaFileText } from "./index";

for (const [file, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
  writeFileSync(join(__dirname, file), schemaFileText(schema));
  console.log(`wrote schemas/${file}`);
}
