/**
 * One redaction layer: every log line, message, audit record and result passes through it.
 *
 * Two rules, applied together:
 * 1. known secret values (inputs declared secret, connection credentials, tokens met while
 *    running, generated passwords) are replaced by `***` wherever they appear in text;
 * 2. values under sensitive names (`Authorization`, `password`, `client_secret`, `token`, ...)
 *    are replaced whatever they are, so a secret the runtime never saw is masked too.
 */

export const MASK = "***";

/** Secrets shorter than this are not searched for in text: masking "a" would garble every message. */
const MIN_SECRET_LENGTH = 4;

const SENSITIVE_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key|password|passwd|secret|client[-_]?secret|token|access[-_]?token|refresh[-_]?token|id[-_]?token|authorizationtoken|.*password|.*secret)$/i;

/** True for header names and object keys whose values are always masked. */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key.replace(/\s+/g, ""));
}

export class Redactor {
  /** Made with the first secret: most runs' redactors never learn one. */
  private secrets: Set<string> | undefined;
  /** The secrets, longest first (so a secret that contains another is masked whole); rebuilt after an add. */
  private ordered: string[] | undefined;
  private readonly parent: Redactor | undefined;

  constructor(parent?: Redactor) {
    this.parent = parent;
  }

  /**
   * Remembers a secret value, and the forms in which it is written into URLs, forms and JSON
   * (a query parameter, a form field, a JSON string an echoing server quotes): each of them
   * reveals the secret as well.
   */
  addSecret(value: string | undefined | null): void {
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return;
    const secrets = (this.secrets ??= new Set());
    const before = secrets.size;
    for (const form of encodedForms(value)) if (form.length >= MIN_SECRET_LENGTH) secrets.add(form);
    if (before !== secrets.size) this.ordered = undefined;
  }

  /** A child that masks everything this one masks, plus its own secrets (one per run). */
  child(): Redactor {
    return new Redactor(this);
  }

  /** Masks every known secret in a text, and sensitive header/field values written in it. */
  maskText(text: string): string {
    return maskInlineCredentials(this.maskSecretValues(text));
  }

  /**
   * A deep copy with only the known secret values masked: for outputs, whose field names are
   * the user's business (a `token` field a later action needs is not masked by its name).
   */
  maskKnownSecrets<T>(value: T): T {
    // With no secret known (most runs), the copy is the same without looking into each string.
    return this.copyMasked(value, 0, this.hasSecrets()) as T;
  }

  private copyMasked(item: unknown, depth: number, masking: boolean): unknown {
    if (typeof item === "string") return masking ? this.maskSecretValues(item) : item;
    if (item === null || typeof item !== "object") return item;
    if (depth > MAX_WALK_DEPTH) return masking ? maskDeep(item, (text) => this.maskSecretValues(text)) : item;
    if (Array.isArray(item)) return item.map((entry) => this.copyMasked(entry, depth + 1, masking));
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(item as Record<string, unknown>)) out[key] = this.copyMasked(entry, depth + 1, masking);
    return out;
  }

  /** True when this redactor or a parent knows a secret. */
  hasSecrets(): boolean {
    return (this.secrets !== undefined && this.secrets.size > 0) || (this.parent !== undefined && this.parent.hasSecrets());
  }

  /**
   * Plain substring replacement, not one regular expression of every secret: an answer can make
   * a secret of any length (a Basic Auth Password), and a regular expression that large cannot
   * even be compiled.
   */
  private maskSecretValues(text: string): string {
    let out = this.parent ? this.parent.maskSecretValues(text) : text;
    if (this.secrets === undefined || this.secrets.size === 0) return out;
    this.ordered ??= [...this.secrets].sort((a, b) => b.length - a.length);
    for (const secret of this.ordered) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }

  /** A deep copy with secrets masked in every string and sensitive keys' values replaced. */
  mask<T>(value: T): T {
    return this.maskValue(value, 0) as T;
  }

  private maskValue(value: unknown, depth: number): unknown {
    if (typeof value === "string") return this.maskText(value);
    if (value === null || typeof value !== "object") return value;
    if (depth > MAX_WALK_DEPTH) return maskDeep(value, (text) => this.maskText(text));
    if (Array.isArray(value)) return value.map((item) => this.maskValue(item, depth + 1));
    if (typeof (value as { toJSON?: unknown }).toJSON === "function" && !isRecord(value)) {
      return this.maskValue((value as { toJSON(): unknown }).toJSON(), depth + 1);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      out[key] = isSensitiveKey(key) && item !== null && item !== "" && typeof item !== "boolean" ? MASK : this.maskValue(item, depth + 1);
    }
    return out;
  }

}

/** Objects are walked this deep; deeper parts are masked as JSON text (a walk must not overflow the stack). */
const MAX_WALK_DEPTH = 64;

/**
 * A part nested deeper than the walk goes: masked as its JSON text, and read back when masking
 * left valid JSON (else the masked text stands in for it); a part too deep to write as JSON is
 * masked whole.
 */
function maskDeep(item: object, mask: (text: string) => string): unknown {
  let text: string;
  try {
    text = JSON.stringify(item);
  } catch {
    return MASK;
  }
  const masked = mask(text);
  if (masked === text) return item;
  try {
    return JSON.parse(masked) as unknown;
  } catch {
    return masked;
  }
}

/** The secret as written raw, URL-encoded (component, RFC 3986, query), form-encoded and inside a JSON string. */
function encodedForms(value: string): Set<string> {
  const forms = new Set<string>([value, JSON.stringify(value).slice(1, -1)]);
  let component: string;
  try {
    component = encodeURIComponent(value);
  } catch {
    // A lone surrogate: URL encoders fail on it, so no URL-encoded form can be written.
    return forms;
  }
  const rfc3986 = component.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  forms.add(component);
  forms.add(rfc3986);
  forms.add(rfc3986.replace(/%20/g, "+"));
  // How query parameters are written (url.ts): `$ , : @` stay readable.
  forms.add(component.replace(/%24/g, "$").replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%40/g, "@"));
  return forms;
}

/**
 * A short excerpt of a response body for an error message: masked first, then flattened and
 * cut, so neither flattening (a secret with white space) nor the cut (half a secret) can keep a
 * secret from being recognised.
 */
export function maskedExcerpt(body: string, limit: number, redactor: Redactor | undefined): string {
  // Masking reads at most this much: an excerpt of `limit` characters never needs more, short of
  // a body that is almost all white space.
  const head = body.length > 64 * 1024 ? body.slice(0, 64 * 1024) : body;
  const flat = (redactor ? redactor.maskText(head) : head).replace(/\s+/g, " ").trim();
  return flat.length > limit ? `${flat.slice(0, limit)}...` : flat;
}

function isRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Masks credentials written inline in text: `Authorization: Bearer x`, `Basic x`,
 * `user:password@` in URLs, and `password=x` / `client_secret=x` form fields.
 */
function maskInlineCredentials(text: string): string {
  return text
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/g, `$1 ${MASK}`)
    .replace(/(\b(?:authorization|proxy-authorization|cookie|x-api-key)\s*:\s*)(?!\*\*\*)[^\r\n]+/gi, `$1${MASK}`)
    .replace(/(\/\/[^/\s:@]+:)[^@/\s]+@/g, `$1${MASK}@`)
    .replace(/\b((?:client_secret|password|access_token|refresh_token)=)[^&\s"']+/gi, `$1${MASK}`);
}
