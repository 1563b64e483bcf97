/**
 * What the directory holds, as its callers see it. Password hashes never leave the directory:
 * a user shows only whether a password is set.
 */
import type { Permission } from "../context";
import type { PasswordHash } from "./passwords";

/** The user fields that are plain text, by their API names. */
export interface UserTextFields {
  firstName: string;
  lastName: string;
  email: string;
  addressLine1: string;
  addressLine2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  jobTitle: string;
  organisation: string;
  phone: string;
  /** The skin file name. */
  theme: string;
}

export type UserTextField = keyof UserTextFields;

export const USER_TEXT_FIELDS: readonly UserTextField[] = [
  "firstName",
  "lastName",
  "email",
  "addressLine1",
  "addressLine2",
  "city",
  "state",
  "postcode",
  "country",
  "jobTitle",
  "organisation",
  "phone",
  "theme",
];

export interface DirectoryUser extends UserTextFields {
  guid: string;
  id: number;
  username: string;
  disabled: boolean;
  mustChangePassword: boolean;
  /** True when a password is set (the hash itself is never returned). */
  hasPassword: boolean;
  createdAt: string;
  updatedAt: string;
  /** Names of the user's groups, sorted ignoring case. */
  groups: string[];
  /** Custom fields by name, sorted by name ignoring case. */
  customFields: Record<string, string>;
}

/** Custom fields as ordered pairs or an object; a later pair wins over an earlier one of the same name. */
export type CustomFieldsInput = ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>>;

export interface NewUser extends Partial<UserTextFields> {
  username: string;
  disabled?: boolean;
  mustChangePassword?: boolean;
  /** From `hashPassword`; the directory never takes a plain password. */
  passwordHash?: PasswordHash;
  customFields?: CustomFieldsInput;
  /** Group names (ignoring case) or ids to put the user in. */
  groups?: ReadonlyArray<string | number>;
}

export interface UserChanges extends Partial<UserTextFields> {
  username?: string;
  disabled?: boolean;
  mustChangePassword?: boolean;
  /** A new hash, or null to remove the password. */
  passwordHash?: PasswordHash | null;
  /** Set (or overwrite) these fields; fields not listed stay as they are. */
  customFields?: CustomFieldsInput;
}

export interface DirectoryGroup {
  id: number;
  guid: string;
  name: string;
  administrators: boolean;
  /** Role names, sorted ignoring case. */
  roles: string[];
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewGroup {
  name: string;
  administrators?: boolean;
  /** Role names (ignoring case); each must exist. */
  roles?: readonly string[];
}

export interface GroupChanges {
  name?: string;
  administrators?: boolean;
  /** Replaces the group's roles. */
  roles?: readonly string[];
}

export interface DirectoryRole {
  id: number;
  name: string;
  /** Sorted. */
  permissions: Permission[];
  createdAt: string;
}

export interface NewRole {
  name: string;
  permissions?: readonly Permission[] | readonly string[];
}

export type ManagementLogLevel = "info" | "warning" | "error";

export interface ManagementLogEntry {
  id: number;
  time: string;
  level: ManagementLogLevel;
  /** What wrote it, for example the pipeline action's name. */
  source: string;
  /** The user the step ran as. */
  user: string;
  message: string;
}

export interface NewManagementLogEntry {
  level?: ManagementLogLevel;
  source: string;
  user: string;
  message: string;
}

export interface StoredAuditRecord {
  id: number;
  time: string;
  event: string;
  user: string;
  asUser?: string;
  method?: string;
  url?: string;
  status?: number | string;
  detail?: string;
}

export interface PageOptions {
  /** Items to skip (default 0). */
  skip?: number;
  /** Most items to return (default 100, at most 1000). */
  top?: number;
}

export interface Page<T> {
  items: T[];
  /** How many items there are in all. */
  total: number;
  skip: number;
  top: number;
}

/** Every table's rows in primary-key order, every column: for proving that nothing changed. */
export type DirectoryDump = Record<string, Array<Record<string, unknown>>>;
