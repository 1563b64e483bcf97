/** Pipeline types, derived from the pipeline JSON Schema so the two cannot drift. */
import type { Static } from "@sinclair/typebox";
import type {
  ConnectionAuthSchema,
  ConnectionSchema,
  PipelineActionSchema,
  PipelineSchema,
  QuestionSchema,
  QuestionTypeSchema,
  RetrySchema,
} from "../../schemas/pipeline";
import type { JsonValue } from "../values";

export type PipelineFile = Static<typeof PipelineSchema>;
export type Question = Static<typeof QuestionSchema>;
export type QuestionType = Static<typeof QuestionTypeSchema>;
export type Connection = Static<typeof ConnectionSchema>;
export type ConnectionAuth = Static<typeof ConnectionAuthSchema>;
export type RetryPolicy = Static<typeof RetrySchema>;
export type PipelineActionFile = Static<typeof PipelineActionSchema>;

/** One action of a loaded pipeline. */
export interface PipelineAction {
  name: string;
  /** As written in the file: a display name or an id. */
  type: string;
  index: number;
  when: string | undefined;
  retry: RetryPolicy | undefined;
  continueOnError: boolean;
  inputs: Record<string, JsonValue>;
}

/** A loaded, schema-valid pipeline: what `loadPipeline` returns and `runtime.run` takes. */
export interface Pipeline {
  name: string;
  description: string | undefined;
  /** Absolute path of the file it came from, when it came from one. */
  file: string | undefined;
  /** Folder that relative file references resolve against. */
  baseDir: string;
  culture: string | undefined;
  timeZone: string | undefined;
  questions: Readonly<Record<string, Question>>;
  /** After `${NAME}` substitution. Holds secrets: never log it. */
  connections: Readonly<Record<string, Connection>>;
  actions: readonly PipelineAction[];
}
