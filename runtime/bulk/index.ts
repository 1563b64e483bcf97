/** Bulk runs (`siq bulk`): one pipeline run per row of a CSV or JSON Lines file, resumable. */
export {
  BulkStoppedError,
  DEFAULT_CONCURRENCY,
  MAX_CONCURRENCY,
  journalFileFor,
  runBulk,
  type BulkProgress,
  type BulkRunOptions,
  type BulkSummary,
} from "./run-bulk";
export { BulkJournal, journalFiles, type JournalIdentity, type JournalRow, type RowState, type RowStatus } from "./journal";
export { RowCommitDirectory, openRowCommitDirectory, rowCommitDirectoryOn, runAsRow, type RowCommit, type RowScope } from "./row-commits";
export { openRows, rowsFormatOf, MAX_ROW_BYTES, type RowInput, type RowProblem, type RowSource, type RowsFormat } from "./rows";
export { readCsvRows, lineBreaks, type RowsFileProblem } from "./csv-rows";
export { readJsonlRows } from "./jsonl-rows";
export { rowIdentity, canonicalJson } from "./row-identity";
export { ProgressReporter, estimate, formatBar, formatLine, formatDuration, type ProgressStream } from "./progress";
export type { ResultLine, RowError } from "./result-line";
