/**
 * Response bodies: the size limit's error, and decoding by the body's charset.
 */
import { TextDecoder } from "node:util";
import { SiqError } from "../errors";

/** 10 MB, the default response limit (SPEC rule 14). */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * `RESPONSE_TOO_LARGE`: a response passed the limit (its Content-Length said so, or it was read
 * up to the limit; see exchange.ts). Reading stopped there and the connection was dropped.
 */
export function responseTooLarge(where: string, maxBytes: number): SiqError {
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

/** Charsets by Content-Type text (null: none given); a service sends the same one every time. */
const charsets = new Map<string, string | null>();

function charsetOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  let charset = charsets.get(contentType);
  if (charset === undefined) {
    const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
    charset = match?.[1]?.toLowerCase() ?? null;
    if (charsets.size >= 256) charsets.clear();
    charsets.set(contentType, charset);
  }
  return charset ?? undefined;
}
