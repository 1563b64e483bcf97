/**
 * What a formula or template sees while it runs. The engine builds one scope per evaluation
 * from the answers and the outputs of earlier actions; tests build their own.
 */
import type { Value } from "../values";

export interface EvaluationScope {
  /**
   * The value of a reference, by its text without brackets (`q1`, `q37.GroupName`,
   * `Create User.User Guid`); undefined when the reference names nothing, which fails the
   * formula with FORMULA_ERROR. A skipped or failed action's output is null (blank), not undefined.
   */
  resolve(reference: string): Value | undefined;
  /**
   * The data templates render against: answers by question id (a repeat is an array of row
   * objects) and earlier actions' outputs by action name; leaves are runtime values.
   */
  templateData(): Record<string, unknown>;
  /** The current instant; `Today()` and `Now()` read it in {@link timeZone}. */
  now(): Date;
  /** The pipeline's culture for `Format` (e.g. `en-AU`); invariant culture when undefined. */
  culture?: string | undefined;
  /** The pipeline's IANA time zone for `Today()`/`Now()`; the process's zone when undefined. */
  timeZone?: string | undefined;
}
