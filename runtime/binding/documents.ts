/**
 * Action Documents (SPEC 11.4): `{ name, template }` or `{ name, file }` (relative to the
 * pipeline file), optional `contentType`; else the type follows the name's extension, else the
 * first non-blank character (`{`/`[` JSON, `<` XML).
 *
 * A `file` must be inside the pipeline's folder (or below it), symbolic links resolved: a
 * pipeline, such as one a host runs from its folder, cannot send any other file on the disk.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { SiqError } from "../errors";
import type { TemplateKind } from "../template";
import { isPlainObject, type JsonValue } from "../values";

export interface DocumentEntry {
  name: string;
  /** The template text, inline or read from `file`. */
  template: string;
  contentType: string;
  kind: TemplateKind;
  /** Where the template came from, for messages. */
  file: string | undefined;
}

/** Templates read from files, by real path; read again when the file changes. */
const fileCache = new Map<string, { mtimeMs: number; size: number; text: string }>();

/** Reads and classifies the entries of an Action Documents value (files read once, cached). */
export function documentEntries(raw: JsonValue, baseDir: string): Array<DocumentEntry | SiqError> {
  const items = Array.isArray(raw) ? raw : [raw];
  return items.map((item, index) => documentEntry(item, index, baseDir));
}

function documentEntry(item: JsonValue, index: number, baseDir: string): DocumentEntry | SiqError {
  if (typeof item === "string") return classify(`document${index + 1}`, item, undefined, undefined);
  if (!isPlainObject(item)) {
    return new SiqError("INPUT_CONVERSION", `Action Documents item ${index + 1} must be an object { "name", "template" } or { "name", "file" }.`);
  }
  const name = typeof item.name === "string" && item.name.trim() !== "" ? item.name : `document${index + 1}`;
  const contentType = typeof item.contentType === "string" ? item.contentType : undefined;
  if (typeof item.template === "string") return classify(name, item.template, contentType, undefined);
  if (typeof item.file === "string") {
    const text = readDocumentFile(item.file, index, baseDir);
    return text instanceof SiqError ? text : classify(name, text, contentType, item.file);
  }
  return new SiqError("INPUT_CONVERSION", `Action Documents item ${index + 1} ("${name}") needs "template" (the text) or "file" (a path relative to the pipeline).`);
}

/**
 * The text of a document file inside the pipeline's folder. Messages name the file as the
 * pipeline wrote it, never the absolute path (a host's caller must not learn the server's folders).
 */
function readDocumentFile(file: string, index: number, baseDir: string): string | SiqError {
  const outside = () =>
    new SiqError(
      "FILE_OUTSIDE_PIPELINE_FOLDER",
      `Action Documents item ${index + 1} names the file "${file}", which is outside the pipeline's folder; a document file must be in the pipeline's folder or below it (write its path relative to the pipeline file).`,
    );
  const unreadable = () => new SiqError("FILE_NOT_FOUND", `Action Documents item ${index + 1} names the file "${file}", which cannot be read; write its path relative to the pipeline file.`);
  const base = resolve(baseDir);
  const path = isAbsolute(file) ? resolve(file) : resolve(base, file);
  if (!isInside(base, path)) return outside();
  let real: string;
  let info;
  try {
    real = realpathSync(path);
    // A link inside the folder may lead out of it.
    if (!isInside(realpathSync(base), real)) return outside();
    info = statSync(real);
  } catch {
    return unreadable();
  }
  if (!info.isFile()) return unreadable();
  const cached = fileCache.get(real);
  if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.text;
  let text: string;
  try {
    text = readFileSync(real, "utf8");
  } catch {
    return unreadable();
  }
  fileCache.set(real, { mtimeMs: info.mtimeMs, size: info.size, text });
  return text;
}

/** True when `path` is `folder` itself's descendant (both absolute and normalised). */
function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== "" && !isAbsolute(rel) && rel.split(sep)[0] !== "..";
}

function classify(name: string, template: string, contentType: string | undefined, file: string | undefined): DocumentEntry {
  const kind = kindOf(name, template, contentType);
  const type = contentType ?? (kind === "json" ? "application/json; charset=utf-8" : kind === "xml" ? "application/xml; charset=utf-8" : "text/plain; charset=utf-8");
  return { name, template, contentType: type, kind, file };
}

function kindOf(name: string, template: string, contentType: string | undefined): TemplateKind {
  if (contentType) {
    if (/[/+]json\b/i.test(contentType)) return "json";
    if (/[/+]xml\b/i.test(contentType)) return "xml";
    return "text";
  }
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (extension === "json") return "json";
  if (extension === "xml") return "xml";
  if (extension === "txt") return "text";
  const first = template.trimStart()[0];
  if (first === "{" || first === "[") return "json";
  if (first === "<") return "xml";
  return "text";
}
