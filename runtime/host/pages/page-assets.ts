/**
 * The form pages' files (runtime/host/pages/assets): a fixed list, read once per process and
 * served from memory. Only names on the list are served, so no request names a path.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface PageAsset {
  body: Buffer;
  contentType: string;
  /** An HTML page (served at its own route, not under /assets/). */
  page: boolean;
}

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
};

export const PAGE_ASSET_FILES = [
  "sign-in.html",
  "pipelines.html",
  "form.html",
  "forms.css",
  "common.js",
  "validate.js",
  "sign-in.js",
  "pipelines.js",
  "form-fields.js",
  "run-view.js",
  "form.js",
  "favicon.svg",
] as const;

let loaded: Map<string, PageAsset> | undefined;

/** A file of the form pages by name, or undefined when there is none of that name. */
export function pageAsset(name: string): PageAsset | undefined {
  loaded ??= loadAssets();
  return loaded.get(name);
}

/**
 * The assets sit beside this module's source. Run from the compiled package (dist/), the
 * source tree is four folders up: the files are not compiled, so they are not copied there.
 */
export function assetsDir(): string {
  const candidates = [join(__dirname, "assets"), join(__dirname, "..", "..", "..", "..", "runtime", "host", "pages", "assets")];
  return candidates.find((dir) => existsSync(join(dir, "form.html"))) ?? (candidates[0] as string);
}

function loadAssets(): Map<string, PageAsset> {
  const dir = assetsDir();
  const out = new Map<string, PageAsset>();
  for (const name of PAGE_ASSET_FILES) {
    const extension = name.slice(name.lastIndexOf(".") + 1);
    let body: Buffer;
    try {
      body = readFileSync(join(dir, name));
    } catch {
      continue; // a missing file answers 404 when asked for
    }
    out.set(name, { body, contentType: TYPES[extension] ?? "application/octet-stream", page: extension === "html" });
  }
  return out;
}
