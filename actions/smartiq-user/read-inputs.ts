/**
 * Reads the bound inputs of SmartIQ User into one checked request, before the directory is
 * touched: every problem with the inputs (missing, wrong type, invalid email, bad custom field,
 * invalid names) fails here, naming the input, and the directory never sees it.
 */
import type { BoundInput, BoundInputs } from "../../runtime/definition";
import type { UserTextField, UserTextFields } from "../../runtime/directory";
import { checkEmail, checkFieldText, checkName, nameKey } from "../../runtime/directory/validation";
import { SiqError } from "../../runtime/errors";
import { isPlainObject } from "../../runtime/values";
import { INPUT } from "./definition";

/** The text inputs that are user fields, with the field each one sets. */
export const FIELD_INPUTS: ReadonlyArray<readonly [string, UserTextField]> = [
  [INPUT.firstName, "firstName"],
  [INPUT.lastName, "lastName"],
  [INPUT.email, "email"],
  [INPUT.jobTitle, "jobTitle"],
  [INPUT.organisation, "organisation"],
  [INPUT.phoneNumber, "phone"],
  [INPUT.addressLine1, "addressLine1"],
  [INPUT.addressLine2, "addressLine2"],
  [INPUT.city, "city"],
  [INPUT.state, "state"],
  [INPUT.postcode, "postcode"],
  [INPUT.country, "country"],
  [INPUT.theme, "theme"],
];

export interface UserRequest {
  username: string;
  updateExisting: boolean;
  /** The user fields with a non-blank value; blank inputs leave a field as it is. */
  fields: Partial<UserTextFields>;
  /** The input names behind `fields`, in definition order (for messages). */
  fieldInputs: string[];
  customFields: Array<[string, string]> | undefined;
  disabled: boolean | undefined;
  groupsToRemove: string[];
  groupsToAdd: string[];
  /** The Password input, when not blank. */
  password: string | undefined;
  resetPassword: boolean;
  mustChangePassword: boolean | undefined;
  verbose: boolean;
}

export function readUserRequest(inputs: BoundInputs, action: string): UserRequest {
  const read = new InputReader(inputs, action);
  const username = read.text(INPUT.preferredUsername);
  if (username === undefined || username.trim() === "") throw read.missing(INPUT.preferredUsername);
  read.guard(INPUT.preferredUsername, () => checkName("username", username, INPUT.preferredUsername));
  const updateExisting = read.boolean(INPUT.updateExistingUser);
  if (updateExisting === undefined) throw read.missing(INPUT.updateExistingUser);

  const fields: Partial<UserTextFields> = {};
  const fieldInputs: string[] = [];
  for (const [input, field] of FIELD_INPUTS) {
    const value = read.text(input);
    if (value === undefined || value.trim() === "") continue;
    read.guard(input, () => {
      checkFieldText(input, value, input);
      if (field === "email") checkEmail(value, input);
    });
    fields[field] = value;
    fieldInputs.push(input);
  }

  const password = read.text(INPUT.password);
  return {
    username,
    updateExisting,
    fields,
    fieldInputs,
    customFields: read.customFields(INPUT.customFields),
    disabled: read.boolean(INPUT.disabled),
    groupsToRemove: read.groupNames(INPUT.groupsToRemove),
    groupsToAdd: read.groupNames(INPUT.groupsToAdd),
    password: password === undefined || password.trim() === "" ? undefined : password,
    resetPassword: read.boolean(INPUT.resetPassword) ?? false,
    mustChangePassword: read.boolean(INPUT.resetPasswordOnNextLogin),
    verbose: read.boolean(INPUT.displayInfoMessages) ?? false,
  };
}

/** One line per item: trimmed, blank lines dropped (SPEC 5.3, 11.19). */
export function splitLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

class InputReader {
  constructor(
    private readonly inputs: BoundInputs,
    private readonly action: string,
  ) {}

  private value(name: string): BoundInput | undefined {
    const value = this.inputs.get(name);
    return value === null ? undefined : value;
  }

  text(name: string): string | undefined {
    const value = this.value(name);
    if (value === undefined || typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    throw this.wrongType(name, "text");
  }

  boolean(name: string): boolean | undefined {
    const value = this.value(name);
    if (value === undefined || typeof value === "boolean") return value;
    if (typeof value === "string") {
      const word = value.trim().toLowerCase();
      if (word === "") return undefined;
      if (word === "true") return true;
      if (word === "false") return false;
    }
    throw this.wrongType(name, "true or false");
  }

  /** Group names, one per line (or a list), de-duplicated ignoring case. */
  groupNames(name: string): string[] {
    const value = this.value(name);
    if (value === undefined) return [];
    let lines: string[];
    if (typeof value === "string") lines = splitLines(value);
    else if (Array.isArray(value) && value.every((item) => typeof item === "string")) lines = (value as string[]).flatMap(splitLines);
    else throw this.wrongType(name, "group names, one per line");
    const seen = new Set<string>();
    const out: string[] = [];
    for (const line of lines) {
      this.guard(name, () => checkName("group name", line, name));
      const key = nameKey(line);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(line);
      }
    }
    return out;
  }

  /** Custom fields as pairs (the binder's form), an object, or `name=value` lines. */
  customFields(name: string): Array<[string, string]> | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    let pairs: Array<[string, string]>;
    if (typeof value === "string") {
      pairs = [];
      value.split(/\r\n|\r|\n/).forEach((raw, index) => {
        const line = raw.trim();
        if (line === "") return;
        const at = line.indexOf("=");
        if (at <= 0) throw this.badField(name, `Line ${index + 1} ("${shorten(line)}") has no name before "="`);
        pairs.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
      });
    } else if (Array.isArray(value) && value.every(isPair)) {
      pairs = (value as Array<[string, string]>).map(([key, item]) => [key, item]);
    } else if (isPlainObject(value)) {
      pairs = Object.entries(value).map(([key, item]) => {
        if (item === null) return [key, ""];
        if (typeof item === "object") throw this.badField(name, `The field "${shorten(key)}" has an object or list as its value`);
        return [key, String(item)];
      });
    } else {
      throw this.wrongType(name, 'an object or "name=value" lines');
    }
    for (const [key, item] of pairs) {
      if (key.trim() === "") throw this.badField(name, "A field has no name");
      this.guard(name, () => {
        checkName("custom field name", key, name);
        checkFieldText(`custom field "${key}"`, item, name);
      });
    }
    return pairs.length === 0 ? undefined : pairs;
  }

  /** Runs a check, making its error name this action and input. */
  guard(input: string, check: () => void): void {
    try {
      check();
    } catch (error) {
      if (error instanceof SiqError) {
        throw new SiqError(error.code, error.message, { action: this.action, input, cause: error });
      }
      throw error;
    }
  }

  missing(name: string): SiqError {
    return new SiqError("MANDATORY_INPUT_MISSING", `The mandatory input "${name}" of action "${this.action}" has no value; give it one.`, {
      action: this.action,
      input: name,
    });
  }

  private wrongType(name: string, wanted: string): SiqError {
    return new SiqError("INPUT_CONVERSION", `The input "${name}" of action "${this.action}" needs ${wanted}.`, { action: this.action, input: name });
  }

  private badField(name: string, problem: string): SiqError {
    return new SiqError("INVALID_CUSTOM_FIELD", `${problem} in the input "${name}" of action "${this.action}": write one name=value per line.`, {
      action: this.action,
      input: name,
    });
  }
}

function isPair(item: unknown): boolean {
  return Array.isArray(item) && item.length === 2 && typeof item[0] === "string" && typeof item[1] === "string";
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
