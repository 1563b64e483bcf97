/**
 * JSON Schemas of the host's request bodies and query strings, checked by Fastify (ajv) before
 * a handler runs. Every object is closed (`additionalProperties: false`): an unknown property is
 * a 400, never silently dropped.
 */
import { MAX_PASSWORD_LENGTH } from "../directory/passwords";
import { MAX_FIELD_LENGTH, MAX_NAME_LENGTH } from "../directory/validation";
import { USER_TEXT_FIELDS } from "../directory/types";
import { PAGE_QUERY_PROPERTIES } from "./paging";

const name = { type: "string", minLength: 1, maxLength: MAX_NAME_LENGTH } as const;
const field = { type: "string", maxLength: MAX_FIELD_LENGTH } as const;
const names = { type: "array", items: name, maxItems: 100 } as const;

const format = { type: "string", enum: ["json", "xml", "JSON", "XML"] } as const;

/** `?format=xml` only. */
export const FORMAT_QUERY = { type: "object", additionalProperties: false, properties: { format } } as const;
/** `?skip=&top=&format=`. */
export const PAGE_QUERY = { type: "object", additionalProperties: false, properties: { ...PAGE_QUERY_PROPERTIES, format } } as const;

export const LOGIN_BODY = {
  type: "object",
  additionalProperties: false,
  required: ["username", "password"],
  properties: { username: name, password: { type: "string", minLength: 1, maxLength: MAX_PASSWORD_LENGTH } },
} as const;

const userFields = Object.fromEntries(USER_TEXT_FIELDS.map((key) => [key, field]));
const customFields = {
  type: "object",
  maxProperties: 100,
  propertyNames: { minLength: 1, maxLength: MAX_NAME_LENGTH },
  additionalProperties: field,
} as const;

export const NEW_USER_BODY = {
  type: "object",
  additionalProperties: false,
  required: ["username"],
  properties: {
    username: name,
    ...userFields,
    disabled: { type: "boolean" },
    mustChangePassword: { type: "boolean" },
    password: { type: "string", minLength: 1, maxLength: MAX_PASSWORD_LENGTH },
    groups: names,
    customFields,
  },
} as const;

export const USER_CHANGES_BODY = {
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  properties: {
    username: name,
    ...userFields,
    disabled: { type: "boolean" },
    mustChangePassword: { type: "boolean" },
    /** A new password, or null to remove it. */
    password: { type: ["string", "null"], minLength: 1, maxLength: MAX_PASSWORD_LENGTH },
    /** The user's groups: replaces the memberships. */
    groups: names,
    customFields,
  },
} as const;

export const NEW_GROUP_BODY = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: { name, administrators: { type: "boolean" }, roles: names },
} as const;

export const GROUP_CHANGES_BODY = {
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  properties: { name, administrators: { type: "boolean" }, roles: names },
} as const;

export const ENSURE_GROUPS_BODY = {
  type: "object",
  additionalProperties: false,
  required: ["names"],
  properties: { names: { ...names, minItems: 1 } },
} as const;

export const NEW_ROLE_BODY = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name,
    permissions: { type: "array", maxItems: 10, items: { type: "string", enum: ["Impersonate", "ManageUsers"] } },
  },
} as const;

export const RUN_BODY = {
  type: "object",
  additionalProperties: false,
  properties: { answers: { type: "object" } },
} as const;
