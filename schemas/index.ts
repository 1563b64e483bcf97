/**
 * Every JSON Schema the project publishes, by file name. The TypeBox sources here are the one
 * source of truth: TypeScript types derive from them, and `npm run schemas` writes the
 * `*.schema.json` files (a test fails when a written file is out of date).
 */
import type { TSchema } from "@sinclair/typebox";
import { ActionDefinitionSchema } from "./action-definition";
import { ConnectorSchema } from "./connector";
import { AnswersSchema, PipelineSchema } from "./pipeline";
import { SpecSchema } from "./spec";

export const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

export const PUBLISHED_SCHEMAS: Record<string, TSchema> = {
  "pipeline.schema.json": PipelineSchema,
  "answers.schema.json": AnswersSchema,
  "action-definition.schema.json": ActionDefinitionSchema,
  "connector.schema.json": ConnectorSchema,
  "spec.schema.json": SpecSchema,
};

/** The schema as written to its file: plain JSON with the draft declared first. */
export function schemaDocument(schema: TSchema): Record<string, unknown> {
  // JSON round trip drops TypeBox's symbol-keyed metadata.
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  return { $schema: DRAFT_2020_12, ...plain };
}

export function schemaFileText(schema: TSchema): string {
  return `${JSON.stringify(schemaDocument(schema), null, 2)}\n`;
}
