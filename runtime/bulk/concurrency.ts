/**
 * Concurrency limits of a bulk run, in a module of their own: the command line needs them to
 * describe its options, without loading what running rows needs (better-sqlite3, csv-parse).
 */
export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 256;
