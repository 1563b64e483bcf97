/**
 * A stand-in for the Users API v1, SUser (seed: formsfly-suser-api-v1.txt).
 *
 * Mounted under /api/v1 ("http://secure.formsfly.com/api/v1/suser?format=[xml|json]").
 * Operations: GET a SUser by Id, Email or ExternalId; POST (create); PUT (update). The seed
 * names DELETE and a search URL but documents neither (no parameters, no response), so they
 * are not served (404).
 *
 * Credentials are the ProviderId and Integrationkey: query parameters on GET ("Required: Yes"),
 * SUser members on POST and PUT ("Required for POST and PUT requests"). Missing or wrong
 * credentials are 401 Unauthorized.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Route, StandIn, StandInReply, StandInRequest } from "./stand-in-kit";
import { isGuid, queryIgnoringCase, serve } from "./stand-in-kit";
import type { Format, Member, ResponseError } from "./service-stack-format";
import { errorReply, formatDateTime, negotiateFormat, readBoolean, readInteger, readRequestBody, reply, validationReply } from "./service-stack-format";

export const USERS_V1_TEST_PROVIDER_ID = 1;
export const USERS_V1_TEST_INTEGRATION_KEY = "v1-test-integration-key";

const ROOT = "SUserResponse";
const ARRAY_ITEMS = { Folders: "Id", Groups: "Id", SUserDevices: "SUserDevice", Errors: "ResponseError" };
const LISTS = new Set(["Folders", "Groups", "SUserDevices"]);

export interface SUserDevice {
  Hardware: string;
  Id: string;
  OS: string;
  OSVersion: string;
}

export type SUserStatus = "Invited" | "Active" | "Inactive";
export type WebsiteRole = "" | "Admin" | "User" | "ReadOnly";

export interface SUser {
  Id: string;
  ProviderId: number;
  ExternalId: string | null;
  FirstName: string;
  LastName: string;
  Email: string;
  Status: SUserStatus;
  /** "YYYY-MM-DDTHH:MI:SS", UTC. */
  LastActivity: string;
  Folders: string[];
  Groups: string[];
  WebsiteRole: WebsiteRole;
  SUserDevices: SUserDevice[];
}

export interface SUserRecord {
  user: SUser;
  password: string;
  /** "Optional, if blank then a random password is generated." */
  passwordGenerated: boolean;
  /** DoNotEmail: "Whether or not to send the User an activation email." */
  activationEmailSent: boolean;
}

export interface UsersV1State {
  /** Integration keys by ProviderId. */
  providers: Map<number, string>;
  users: Map<string, SUserRecord>;
  addUser(fields: Partial<SUser> & Pick<SUser, "FirstName" | "LastName" | "Email">): SUser;
}

export interface UsersV1StandInOptions {
  providers?: Record<number, string>;
}

export async function startUsersV1StandIn(options: UsersV1StandInOptions = {}): Promise<StandIn<UsersV1State>> {
  const state = createState(options.providers ?? { [USERS_V1_TEST_PROVIDER_ID]: USERS_V1_TEST_INTEGRATION_KEY });

  const routes: Route[] = [
    { method: "GET", pattern: /^\/suser\/?$/i, handle: getUser },
    { method: "POST", pattern: /^\/suser\/?$/i, handle: createUser },
    { method: "PUT", pattern: /^\/suser\/?$/i, handle: updateUser },
  ];

  return serve(state, routes, {
    prefix: "/api/v1",
    notFound: (request) => errorReply(formatOf(request), 404, ROOT, "NotFound", `Handler for Request not found: ${request.method} ${request.url.pathname}`),
    methodNotAllowed: (request) => errorReply(formatOf(request), 405, ROOT, "MethodNotAllowed", `${request.method} is not supported here.`),
  });

  function formatOf(request: StandInRequest): Format {
    const format = negotiateFormat(request, ROOT);
    return typeof format === "string" ? format : "json";
  }

  function unauthorized(format: Format): StandInReply {
    return errorReply(format, 401, ROOT, "Unauthorized", "Invalid ProviderId or IntegrationKey.");
  }

  function authorized(providerId: unknown, integrationKey: unknown): number | undefined {
    const id = readInteger(providerId);
    if (id === undefined || typeof integrationKey !== "string") return undefined;
    return state.providers.get(id) === integrationKey ? id : undefined;
  }

  /**
   * GET: "Id or Email or ExternalId — Yes: The unique identifier of the User you wish to
   * retrieve, or The email address ..., or The external identifier". When more than one is
   * given, Id wins, then Email, then ExternalId. Email matching ignores case.
   */
  function getUser(request: StandInRequest): StandInReply {
    const format = negotiateFormat(request, ROOT);
    if (typeof format !== "string") return format;
    const providerId = authorized(queryIgnoringCase(request.query, "providerid"), queryIgnoringCase(request.query, "integrationkey"));
    if (providerId === undefined) return unauthorized(format);
    const id = nonBlank(queryIgnoringCase(request.query, "id"));
    const email = nonBlank(queryIgnoringCase(request.query, "email"));
    const externalId = nonBlank(queryIgnoringCase(request.query, "externalid"));
    let found: SUserRecord | undefined;
    if (id !== undefined) {
      // A value that does not bind to the GUID-typed Id is ServiceStack's RequestBindingException (400).
      if (!isGuid(id)) return errorReply(format, 400, ROOT, "RequestBindingException", "Unable to bind request: 'Id' is not a GUID.", [{ ErrorCode: "RequestBindingException", FieldName: "Id", Message: "'Id' is not a GUID." }]);
      found = state.users.get(id.toLowerCase());
    } else if (email !== undefined) {
      found = [...state.users.values()].find((r) => r.user.Email.toLowerCase() === email.toLowerCase() && r.user.ProviderId === providerId);
    } else if (externalId !== undefined) {
      found = [...state.users.values()].find((r) => r.user.ExternalId === externalId && r.user.ProviderId === providerId);
    } else {
      return validationReply(format, ROOT, [{ ErrorCode: "NotEmpty", FieldName: "Id", Message: "Give one of 'Id', 'Email' or 'ExternalId'." }]);
    }
    if (!found || found.user.ProviderId !== providerId) return errorReply(format, 404, ROOT, "NotFound", "User not found.");
    return reply(format, 200, ROOT, { SUser: toMembers(found.user) }, ARRAY_ITEMS);
  }

  /**
   * POST creates a SUser: FirstName, LastName and Email are "Required for POST actions"; the
   * new User's Status is Invited ("User has been created and sent an invite"). The seed gives no
   * POST response; like its GET, it is a SUserResponse, with status 200 (ServiceStack's default).
   * Email is how a User is retrieved, so a second User of the same provider with the same
   * Email is refused with 409 Conflict.
   */
  function createUser(request: StandInRequest): StandInReply {
    const format = negotiateFormat(request, ROOT);
    if (typeof format !== "string") return format;
    const body = readRequestBody(request, "SUser", LISTS);
    if (!body.ok) return errorReply(format, body.status, ROOT, body.status === 415 ? "UnsupportedMediaType" : "SerializationException", body.message);
    const providerId = authorized(body.members.ProviderId, body.members.IntegrationKey);
    if (providerId === undefined) return unauthorized(format);
    const checked = checkFields(body.members, "POST");
    if (checked.errors.length > 0) return validationReply(format, ROOT, checked.errors);
    const fields = checked.fields;
    if (emailTaken(providerId, fields.Email ?? "", undefined)) return errorReply(format, 409, ROOT, "Conflict", "A User with this Email already exists.");
    const user: SUser = {
      Id: randomUUID(),
      ProviderId: providerId,
      ExternalId: fields.ExternalId ?? null,
      FirstName: fields.FirstName ?? "",
      LastName: fields.LastName ?? "",
      Email: fields.Email ?? "",
      Status: "Invited",
      LastActivity: "0001-01-01T00:00:00",
      Folders: fields.Folders ?? [],
      Groups: fields.Groups ?? [],
      WebsiteRole: fields.WebsiteRole ?? "",
      SUserDevices: [],
    };
    const password = fields.Password ?? "";
    state.users.set(user.Id, {
      user,
      password: password === "" ? randomBytes(12).toString("base64url") : password,
      passwordGenerated: password === "",
      activationEmailSent: fields.DoNotEmail !== true,
    });
    return reply(format, 200, ROOT, { SUser: toMembers(user) }, ARRAY_ITEMS);
  }

  /**
   * PUT updates the SUser named by its Id: "If not specified on PUTs, then field will not be
   * updated by PUT". A member that is present is applied (an empty ExternalId clears it;
   * FirstName, LastName and Email may not be made empty). DoNotEmail is "Only applicable for
   * POSTs" and SUserDevices "cannot be set by POST or PUTs": both are ignored.
   */
  function updateUser(request: StandInRequest): StandInReply {
    const format = negotiateFormat(request, ROOT);
    if (typeof format !== "string") return format;
    const body = readRequestBody(request, "SUser", LISTS);
    if (!body.ok) return errorReply(format, body.status, ROOT, body.status === 415 ? "UnsupportedMediaType" : "SerializationException", body.message);
    const providerId = authorized(body.members.ProviderId, body.members.IntegrationKey);
    if (providerId === undefined) return unauthorized(format);
    const id = body.members.Id;
    if (typeof id !== "string" || id.trim() === "") return validationReply(format, ROOT, [{ ErrorCode: "NotEmpty", FieldName: "Id", Message: "'Id' must not be empty." }]);
    if (!isGuid(id)) return validationReply(format, ROOT, [{ ErrorCode: "Invalid", FieldName: "Id", Message: "'Id' is not a GUID." }]);
    const record = state.users.get(id.toLowerCase());
    if (!record || record.user.ProviderId !== providerId) return errorReply(format, 404, ROOT, "NotFound", "User not found.");
    const checked = checkFields(body.members, "PUT");
    if (checked.errors.length > 0) return validationReply(format, ROOT, checked.errors);
    const fields = checked.fields;
    if (fields.Email !== undefined && emailTaken(providerId, fields.Email, record.user.Id)) {
      return errorReply(format, 409, ROOT, "Conflict", "A User with this Email already exists.");
    }
    const user = record.user;
    if (fields.ExternalId !== undefined) user.ExternalId = fields.ExternalId;
    if (fields.FirstName !== undefined) user.FirstName = fields.FirstName;
    if (fields.LastName !== undefined) user.LastName = fields.LastName;
    if (fields.Email !== undefined) user.Email = fields.Email;
    if (fields.Folders !== undefined) user.Folders = fields.Folders;
    if (fields.Groups !== undefined) user.Groups = fields.Groups;
    if (fields.WebsiteRole !== undefined) user.WebsiteRole = fields.WebsiteRole;
    if (fields.Status !== undefined) user.Status = fields.Status;
    if (fields.Password !== undefined && fields.Password !== "") {
      record.password = fields.Password;
      record.passwordGenerated = false;
    }
    return reply(format, 200, ROOT, { SUser: toMembers(user) }, ARRAY_ITEMS);
  }

  function emailTaken(providerId: number, email: string, exceptId: string | undefined): boolean {
    for (const { user } of state.users.values()) {
      if (user.Id !== exceptId && user.ProviderId === providerId && user.Email.toLowerCase() === email.toLowerCase()) return true;
    }
    return false;
  }
}

interface SUserFields {
  ExternalId?: string | null;
  FirstName?: string;
  LastName?: string;
  Email?: string;
  Folders?: string[];
  Groups?: string[];
  WebsiteRole?: WebsiteRole;
  Status?: SUserStatus;
  Password?: string;
  DoNotEmail?: boolean;
}

/** Maximum lengths from the seed: ExternalId 50, FirstName 100, LastName 100, Email 200. */
const MAX_LENGTH: Record<string, number> = { ExternalId: 50, FirstName: 100, LastName: 100, Email: 200 };
const REQUIRED_ON_POST = ["FirstName", "LastName", "Email"];
const WEBSITE_ROLES: WebsiteRole[] = ["", "Admin", "User", "ReadOnly"];
const STATUSES: SUserStatus[] = ["Invited", "Active", "Inactive"];

function checkFields(members: Record<string, unknown>, method: "POST" | "PUT"): { errors: ResponseError[]; fields: SUserFields } {
  const errors: ResponseError[] = [];
  const fields: SUserFields = {};
  const text = (name: string): string | null | undefined => {
    const value = members[name];
    if (value === undefined) return undefined;
    if (value === null) return null;
    if (typeof value !== "string") {
      errors.push({ ErrorCode: "Invalid", FieldName: name, Message: `'${name}' must be text.` });
      return undefined;
    }
    return value;
  };

  for (const name of ["ExternalId", "FirstName", "LastName", "Email"] as const) {
    const value = text(name);
    const required = REQUIRED_ON_POST.includes(name);
    if ((value === undefined || value === null) && required && method === "POST") {
      errors.push({ ErrorCode: "NotEmpty", FieldName: name, Message: `'${name}' must not be empty.` });
      continue;
    }
    if (value === undefined) continue;
    if (required && (value === null || value.trim() === "")) {
      errors.push({ ErrorCode: "NotEmpty", FieldName: name, Message: `'${name}' must not be empty.` });
      continue;
    }
    const limit = MAX_LENGTH[name] ?? Infinity;
    if (value !== null && value.length > limit) {
      errors.push({
        ErrorCode: "MaximumLength",
        FieldName: name,
        Message: `The length of '${name}' must be ${limit} characters or fewer. You entered ${value.length} characters.`,
      });
      continue;
    }
    if (name === "ExternalId") fields.ExternalId = value === null || value === "" ? null : value;
    else fields[name] = value ?? "";
  }

  for (const name of ["Folders", "Groups"] as const) {
    const value = members[name];
    if (value === undefined || value === null || value === "") continue;
    if (!Array.isArray(value) || !value.every((entry) => typeof entry === "string" && isGuid(entry))) {
      errors.push({ ErrorCode: "Invalid", FieldName: name, Message: `'${name}' must be a list of GUIDs.` });
      continue;
    }
    fields[name] = (value as string[]).map((guid) => guid.toLowerCase());
  }

  const role = text("WebsiteRole");
  if (role !== undefined) {
    const canonical = WEBSITE_ROLES.find((r) => r.toLowerCase() === (role ?? "").toLowerCase());
    if (canonical === undefined) errors.push({ ErrorCode: "Invalid", FieldName: "WebsiteRole", Message: "'WebsiteRole' must be Admin, User, ReadOnly or blank." });
    else fields.WebsiteRole = canonical;
  }

  // Status is not marked read-only in the seed ("Status options are: Invited, Active, Inactive"),
  // so a PUT may set it; a new User is always Invited.
  const status = text("Status");
  if (status !== undefined && status !== null && status !== "" && method === "PUT") {
    const canonical = STATUSES.find((s) => s.toLowerCase() === status.toLowerCase());
    if (canonical === undefined) errors.push({ ErrorCode: "Invalid", FieldName: "Status", Message: "'Status' must be Invited, Active or Inactive." });
    else fields.Status = canonical;
  }

  const password = text("Password");
  if (password !== undefined && password !== null) fields.Password = password;

  if (members.DoNotEmail !== undefined && members.DoNotEmail !== null && members.DoNotEmail !== "") {
    const flag = readBoolean(members.DoNotEmail);
    if (flag === undefined) errors.push({ ErrorCode: "Invalid", FieldName: "DoNotEmail", Message: "'DoNotEmail' must be true or false." });
    else fields.DoNotEmail = flag;
  }
  return { errors, fields };
}

/**
 * The SUser as the API returns it, members in the alphabetical order of the seed's XML sample.
 * The sample also lists IntegrationKey; the stand-in never echoes a credential, so it is left
 * out (as a null member is). Password and DoNotEmail are write-only.
 */
function toMembers(user: SUser): Record<string, Member> {
  return {
    Email: user.Email,
    ExternalId: user.ExternalId,
    FirstName: user.FirstName,
    Folders: user.Folders,
    Groups: user.Groups,
    Id: user.Id,
    LastActivity: user.LastActivity,
    LastName: user.LastName,
    ProviderId: user.ProviderId,
    SUserDevices: user.SUserDevices.map((device) => ({ Hardware: device.Hardware, Id: device.Id, OS: device.OS, OSVersion: device.OSVersion })),
    Status: user.Status,
    WebsiteRole: user.WebsiteRole,
  };
}

function nonBlank(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === "" ? undefined : text.trim();
}

function createState(providers: Record<number, string>): UsersV1State {
  const state: UsersV1State = {
    providers: new Map(Object.entries(providers).map(([id, key]) => [Number(id), key])),
    users: new Map(),
    addUser(fields) {
      const user: SUser = {
        Id: (fields.Id ?? randomUUID()).toLowerCase(),
        ProviderId: fields.ProviderId ?? USERS_V1_TEST_PROVIDER_ID,
        ExternalId: fields.ExternalId ?? null,
        FirstName: fields.FirstName,
        LastName: fields.LastName,
        Email: fields.Email,
        Status: fields.Status ?? "Active",
        LastActivity: fields.LastActivity ?? formatDateTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))),
        Folders: fields.Folders ?? [],
        Groups: fields.Groups ?? [],
        WebsiteRole: fields.WebsiteRole ?? "",
        SUserDevices: fields.SUserDevices ?? [],
      };
      state.users.set(user.Id, { user, password: randomBytes(12).toString("base64url"), passwordGenerated: true, activationEmailSent: false });
      return user;
    },
  };
  return state;
}
