/**
 * Action Documents (SPEC 11.4): `{ name, template }` or `{ name, file }` (relative to the
 * pipeline file), optional `contentType`; else the type follows the name's extension, else the
 * first non-blank character (`{`/`[` JSON, `<` XML).
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
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

const fileCache = new Map<string, string>();

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
    const path = isAbsolute(item.file) ? item.file : resolve(baseDir, item.file);
    let text = fileCache.get(path);
    if (text === undefined) {
      try {
        text = readFileSync(path, "utf8");
      } catch {
        return new SiqError("FILE_NOT_FOUND", `Action Documents item ${index + 1} names the file "${item.file}", which cannot be read (looked for ${path}).`);
      }
      fileCache.set(path, text);
    }
    return classify(name, text, contentType, item.file);
  }
  return new SiqError("INPUT_CONVERSION", `Action Documents item ${index + 1} ("${name}") needs "template" (the text) or "file" (a path relative to the pipeline).`);
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
