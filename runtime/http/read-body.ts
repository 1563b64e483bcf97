/**
 * Reading response bodies under a size limit, and decoding them by their charset.
 */
import { TextDecoder } from "node:util";
import { SiqError } from "../errors";

/** 10 MB, the default response limit (SPEC rule 14). */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface BodyStream extends AsyncIterable<Buffer | Uint8Array> {
  destroy(error?: Error): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** Drops a body we will not read; the abort error it then emits is expected, not a failure. */
function abandon(body: BodyStream): void {
  body.on("error", () => undefined);
  body.destroy();
}

/**
 * Reads a body, failing with `RESPONSE_TOO_LARGE` as soon as the limit is passed: a declared
 * Content-Length over the limit fails before reading anything, and a body without one stops
 * at the first chunk past the limit (the stream is destroyed, so the connection is dropped
 * instead of draining the rest).
 */
export async function readLimitedBody(body: BodyStream, contentLength: string | undefined, maxBytes: number, where: () => string): Promise<Buffer> {
  const declared = contentLength === undefined ? NaN : Number(contentLength);
  if (Number.isFinite(declared) && declared > maxBytes) {
    abandon(body);
    throw tooLarge(where(), maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      abandon(body);
      throw tooLarge(where(), maxBytes);
    }
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, total);
}

function tooLarge(where: string, maxBytes: number): SiqError {
  return new SiqError(
    "RESPONSE_TOO_LARGE",
    `The response to ${where} is larger than the limit of ${formatBytes(maxBytes)}; reading stopped there. Ask the service for less (filters, paging) or raise the limit (SIQ_MAX_RESPONSE_BYTES).`,
    { details: { maxResponseBytes: maxBytes } },
  );
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

const decoders = new Map<string, TextDecoder>();

/**
 * The body as text, decoded by the Content-Type's charset (UTF-8 when none is given or the
 * charset is unknown). A byte-order mark is removed.
 */
export function decodeBody(bytes: Buffer, contentType: string | undefined): string {
  if (bytes.length === 0) return "";
  const charset = charsetOf(contentType) ?? "utf-8";
  let decoder = decoders.get(charset);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(charset);
    } catch {
      decoder = decoders.get("utf-8") ?? new TextDecoder("utf-8");
    }
    decoders.set(charset, decoder);
  }
  return decoder.decode(bytes);
}

function charsetOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match?.[1]?.toLowerCase();
}
