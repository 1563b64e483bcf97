/**
 * The spec files named on the command line: files as given, folders searched recursively for
 * `*.spec.json` (skipping node_modules, dist and hidden folders), in a stable sorted order.
 */
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";

export const SPEC_SUFFIX = ".spec.json";
const SKIPPED_FOLDERS = new Set(["node_modules", "dist"]);

export interface FoundSpecs {
  /** Absolute paths, each once, in the order found (folders sorted by name). */
  files: string[];
  /** The targets that do not exist, as given. */
  missing: string[];
}

export async function findSpecFiles(targets: readonly string[], cwd: string): Promise<FoundSpecs> {
  const files: string[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    files.push(file);
  };
  for (const target of targets.length > 0 ? targets : ["."]) {
    const path = resolve(cwd, target);
    let info;
    try {
      info = await stat(path);
    } catch {
      missing.push(target);
      continue;
    }
    if (info.isDirectory()) for (const file of await walk(path)) add(file);
    else add(path);
  }
  return { files, missing };
}

async function walk(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(".") && !SKIPPED_FOLDERS.has(entry.name)) out.push(...(await walk(path)));
    } else if (entry.isFile() && entry.name.endsWith(SPEC_SUFFIX)) {
      out.push(path);
    }
  }
  return out;
}
