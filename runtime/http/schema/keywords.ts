/**
 * JSON Schema 2020-12 keywords, grouped by how the exact-specification rewrite treats them.
 *
 * "In place" keywords apply their subschemas to the same instance (the same JSON value);
 * "child" keywords apply them to values inside it (properties, array items). The rewrite closes
 * objects and arrays at every child position and never inside in-place subschemas, so that
 * composed schemas combine before the closing check runs.
 */

/** Subschemas applied to the same instance, whose declarations describe its shape. */
export const IN_PLACE_LISTS = ["allOf", "anyOf", "oneOf"] as const;
export const IN_PLACE_SINGLES = ["then", "else"] as const;
export const IN_PLACE_MAPS = ["dependentSchemas"] as const;

/** Subschemas applied to values inside the instance: each is a new, closed location. */
export const CHILD_SINGLES = ["items"] as const;
export const CHILD_LISTS = ["prefixItems"] as const;
export const CHILD_MAPS = ["properties", "patternProperties"] as const;

/**
 * Subschemas used as tests, not as descriptions: kept exactly as written, and never a source
 * of allowed names. `if` is wrapped in a double `not` by the rewrite (see close-schema.ts).
 */
export const CONDITION_SINGLES = ["not", "if", "contains", "propertyNames"] as const;

/** Containers of subschemas reached only through `$ref`. */
export const DEFINITION_MAPS = ["$defs", "definitions"] as const;

/** Keywords that would let undeclared elements through; the rewrite replaces them. */
export const OPENING_KEYWORDS = ["additionalProperties", "unevaluatedProperties", "unevaluatedItems"] as const;

/** Keywords whose values are data, not subschemas. */
export const VALUE_KEYWORDS = new Set([
  "$ref", "$anchor", "$comment", "$id", "$schema", "$vocabulary",
  "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
  "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
  "maxProperties", "minProperties", "required", "dependentRequired", "format",
  "contentEncoding", "contentMediaType",
  "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
]);

/**
 * Annotations from neighbouring formats (OpenAPI) that change nothing in validation: dropped,
 * so a schema pasted from an API description works. Keys starting `x-` are dropped too.
 */
export const DROPPED_ANNOTATIONS = new Set(["example", "externalDocs", "xml", "discriminator", "contentSchema"]);

/** Keywords refused, with what to write instead. */
export const REFUSED_KEYWORDS: ReadonlyMap<string, string> = new Map([
  ["$data", "$data references are not allowed in a Request Schema: a body must not decide its own rules"],
  ["$dynamicRef", "$dynamicRef is not supported; use $ref to a schema in $defs"],
  ["$dynamicAnchor", "$dynamicAnchor is not supported; use $anchor or $defs"],
  ["$recursiveRef", "$recursiveRef is not a JSON Schema 2020-12 keyword; use $ref"],
  ["$recursiveAnchor", "$recursiveAnchor is not a JSON Schema 2020-12 keyword; use $anchor"],
  ["additionalItems", "additionalItems is draft-07; in JSON Schema 2020-12 use prefixItems and items"],
  ["dependencies", "dependencies is draft-07; in JSON Schema 2020-12 use dependentRequired or dependentSchemas"],
  ["nullable", "nullable is OpenAPI 3.0; in JSON Schema 2020-12 write type: [\"string\", \"null\"]"],
]);

/** The one dialect a Request Schema is read as. */
export const DIALECT_2020_12 = new Set([
  "https://json-schema.org/draft/2020-12/schema",
  "https://json-schema.org/draft/2020-12/schema#",
]);
