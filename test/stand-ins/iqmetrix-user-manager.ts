/**
 * A stand-in for the iQmetrix User Manager API (seed: iqmetrix-user-manager-api.txt).
 *
 * Mounted under /v1 like the vendor's endpoints ("https://usermanagerdemo.iqmetrix.net/v1"), so
 * the relative pagination links it returns ("/v1/Entities(14146)/Users?$skip=5&$top=5") resolve
 * against the response URL exactly as they would against the vendor.
 *
 * Where the seed is silent or ambiguous, the choice is written next to the code, quoting it.
 */
import { randomUUID } from "node:crypto";
import type { Route, StandIn, StandInReply, StandInRequest } from "./stand-in-kit";
import { authorizationCredentials, isRecord, json, parseJsonBody, serve } from "./stand-in-kit";

/** The bearer token the stand-in accepts unless told otherwise. */
export const IQMETRIX_TEST_TOKEN = "iqmetrix-test-token";

export interface IqAddress {
  AddressLine1: string;
  AddressLine2: string;
  City: string;
  StateCode: string;
  CountryCode: string;
  Zip: string;
}

export interface IqPhoneNumber {
  Number: string;
  Extension: string;
  Type: string;
}

/** A User exactly as the API returns it. */
export interface IqUser {
  Id: number;
  FirstName: string;
  LastName: string;
  UserName: string;
  Address?: IqAddress;
  ClientUserId?: string;
  Email: string;
  IsActive: boolean;
  JobTitle?: string;
  ParentEntityId: number;
  PhoneNumbers: IqPhoneNumber[];
  Picture: Record<string, unknown>;
  Version: number;
}

/** A user and what the API keeps about it without returning it. */
export interface IqUserRecord {
  user: IqUser;
  password: string | undefined;
  /** Set by TemporaryPassword: "forcing the User to change it on first login". */
  passwordIsTemporary: boolean;
  /** The LockReasonId of the current lock, or null when the user is not locked. */
  lockReasonId: number | null;
  locationIds: Set<number>;
}

export interface IqLockReason {
  Id: number;
  Name: string;
  Description: string;
}

export interface IqEntity {
  id: number;
  kind: "Company" | "Location";
  /** For a Location, the Company it belongs to. */
  companyId?: number;
}

export interface IqmetrixState {
  tokens: Set<string>;
  entities: Map<number, IqEntity>;
  users: Map<number, IqUserRecord>;
  lockReasons: Map<number, { companyId: number; reason: IqLockReason }>;
  nextUserId: number;
  nextLockReasonId: number;
  addCompany(id: number): void;
  addLocation(id: number, companyId: number): void;
  /** Adds a user directly (no validation); fields not given get the seed's example values' shapes. */
  addUser(fields: Partial<IqUser> & Pick<IqUser, "UserName" | "Email" | "ParentEntityId">): IqUser;
  addLockReason(companyId: number, name: string, description?: string): IqLockReason;
}

export interface IqmetrixStandInOptions {
  /** Accepted bearer tokens (default: IQMETRIX_TEST_TOKEN). */
  tokens?: string[];
  /**
   * How an absent prev/next link is written. The seed's PAGINATION section shows JSON null
   * (`"prev": null`), while its endpoint examples show the text `"null"`; "null" (the default)
   * follows the PAGINATION section, "text" reproduces the examples.
   */
  absentLink?: "null" | "text";
}

export async function startIqmetrixStandIn(options: IqmetrixStandInOptions = {}): Promise<StandIn<IqmetrixState>> {
  const state = createState(options.tokens ?? [IQMETRIX_TEST_TOKEN]);
  const absentLink = options.absentLink === "text" ? "null" : null;

  const table: Route[] = [
    { method: "POST", pattern: /^\/Users\/importExisting$/i, handle: importExisting },
    { method: "GET", pattern: /^\/Users\(([^)/]*)\)$/i, handle: (r) => withUser(r, (rec) => json(200, rec.user)) },
    { method: "PUT", pattern: /^\/Users\(([^)/]*)\)$/i, handle: (r) => withUser(r, (rec) => updateUser(r, rec)) },
    { method: "DELETE", pattern: /^\/Users\(([^)/]*)\)$/i, handle: (r) => withUser(r, (rec) => setActive(rec, false)) },
    { method: "POST", pattern: /^\/Users\(([^)/]*)\)\/Enable$/i, handle: (r) => withUser(r, (rec) => setActive(rec, true)) },
    { method: "POST", pattern: /^\/Users\(([^)/]*)\)\/Lock$/i, handle: (r) => withUser(r, (rec) => lockUser(r, rec)) },
    { method: "GET", pattern: /^\/Users\(([^)/]*)\)\/Unlock$/i, handle: (r) => withUser(r, lockStatus) },
    { method: "POST", pattern: /^\/Users\(([^)/]*)\)\/Unlock$/i, handle: (r) => withUser(r, unlockUser) },
    { method: "POST", pattern: /^\/Users\(([^)/]*)\)\/TemporaryPassword$/i, handle: (r) => withUser(r, (rec) => temporaryPassword(r, rec)) },
    { method: "GET", pattern: /^\/Users\(([^)/]*)\)\/Locations$/i, handle: (r) => withUser(r, userLocations) },
    { method: "PUT", pattern: /^\/Users\(([^)/]*)\)\/Locations\(([^)/]*)\)$/i, handle: (r) => withUser(r, (rec) => assignLocation(r, rec, true)) },
    { method: "DELETE", pattern: /^\/Users\(([^)/]*)\)\/Locations\(([^)/]*)\)$/i, handle: (r) => withUser(r, (rec) => assignLocation(r, rec, false)) },
    { method: "GET", pattern: /^\/Entities\(([^)/]*)\)\/Users$/i, handle: (r) => withCompany(r, (id) => companyUsers(r, id)) },
    { method: "GET", pattern: /^\/Entities\(([^)/]*)\)\/Users\/Search$/i, handle: (r) => withCompany(r, (id) => searchUsers(r, id)) },
    { method: "GET", pattern: /^\/Entities\(([^)/]*)\)\/lockReasons$/i, handle: (r) => withCompany(r, listLockReasons) },
    { method: "POST", pattern: /^\/Entities\(([^)/]*)\)\/lockReasons$/i, handle: (r) => withCompany(r, (id) => createLockReason(r, id)) },
    { method: "GET", pattern: /^\/Entities\(([^)/]*)\)\/lockReasons\(([^)/]*)\)$/i, handle: (r) => withLockReason(r, (lr) => json(200, lr)) },
    { method: "PUT", pattern: /^\/Entities\(([^)/]*)\)\/lockReasons\(([^)/]*)\)$/i, handle: (r) => withLockReason(r, (lr) => updateLockReason(r, lr)) },
    { method: "DELETE", pattern: /^\/Entities\(([^)/]*)\)\/lockReasons\(([^)/]*)\)$/i, handle: (r) => withLockReason(r, deleteLockReason) },
  ];
  // Every operation sends "Authorization: Bearer (Access Token)".
  const routes = table.map((route): Route => ({ ...route, handle: requireToken(route.handle) }));

  return serve(state, routes, {
    prefix: "/v1",
    notFound: (request) => authorize(request) ?? failure(404, "Not Found"),
    methodNotAllowed: (request) => authorize(request) ?? failure(405, "Method Not Allowed"),
  });

  // --- authentication -------------------------------------------------------------------------

  /**
   * The seed sends `Authorization: Bearer (Access Token)` on every request. Its ERRORS table has
   * no 401; a bearer-token API answers a missing or unknown token with 401 and
   * `WWW-Authenticate: Bearer`, so the stand-in does.
   */
  function authorize(request: StandInRequest): StandInReply | undefined {
    const token = authorizationCredentials(request.headers, "Bearer");
    if (token !== undefined && state.tokens.has(token)) return undefined;
    const reply = failure(401, "Unauthorized");
    return { ...reply, headers: { ...reply.headers, "www-authenticate": 'Bearer error="invalid_token"' } };
  }

  function requireToken(handle: Route["handle"]): Route["handle"] {
    return (request) => authorize(request) ?? handle(request);
  }

  // --- lookups ----------------------------------------------------------------------------------

  function withUser(request: StandInRequest, then: (record: IqUserRecord) => StandInReply): StandInReply {
    const id = parseId(request.params[0]);
    if (id === undefined) return failure(400, "Bad Request", [fieldError("Invalid", "UserId", "'UserId' must be an integer.")]);
    const record = state.users.get(id);
    if (!record) return failure(404, "User not found");
    return then(record);
  }

  function withCompany(request: StandInRequest, then: (companyId: number) => StandInReply): StandInReply {
    const id = parseId(request.params[0]);
    if (id === undefined) return failure(400, "Bad Request", [fieldError("Invalid", "CompanyId", "'CompanyId' must be an integer.")]);
    if (state.entities.get(id)?.kind !== "Company") return failure(404, "Entity not found");
    return then(id);
  }

  /**
   * The seed documents no 404 for lock reasons; "Entity not found" is its only 404 that is not
   * about a User, so an unknown company or lock reason (or one of another company) gets it.
   */
  function withLockReason(request: StandInRequest, then: (reason: IqLockReason, companyId: number) => StandInReply): StandInReply {
    return withCompany(request, (companyId) => {
      const id = parseId(request.params[1]);
      if (id === undefined) return failure(400, "Bad Request", [fieldError("Invalid", "LockReasonId", "'LockReasonId' must be an integer.")]);
      const entry = state.lockReasons.get(id);
      if (!entry || entry.companyId !== companyId) return failure(404, "Entity not found");
      return then(entry.reason, companyId);
    });
  }

  // --- users ------------------------------------------------------------------------------------

  function importExisting(request: StandInRequest): StandInReply {
    const body = parseJsonBody(request);
    if (!body.ok || !isRecord(body.value)) return failure(400, "Bad Request", [fieldError("Invalid", "Body", "The request body must be a JSON object.")]);
    const checked = validateUser(body.value, { requirePassword: true });
    if (checked.errors.length > 0) return failure(400, "Bad Request", checked.errors);
    const fields = checked.fields;
    if (state.entities.get(fields.ParentEntityId)?.kind !== "Company") return failure(404, "Entity not found");
    if (conflictingUser(fields.UserName, fields.Email, undefined)) return failure(409, "Username and email already exist");
    const user: IqUser = {
      Id: state.nextUserId++,
      ...fields.user,
      IsActive: true,
      Version: 1,
    };
    state.users.set(user.Id, {
      user,
      password: fields.password,
      passwordIsTemporary: false,
      lockReasonId: null,
      locationIds: new Set(),
    });
    return json(201, user);
  }

  /**
   * PUT replaces the User with the body (the seed's example sends the whole resource). Id and
   * IsActive are not changed by a PUT (Disable/Enable do that); Version must match: "Ensure the
   * Version value provided in the request data matches the Version for the User in the database".
   */
  function updateUser(request: StandInRequest, record: IqUserRecord): StandInReply {
    const body = parseJsonBody(request);
    if (!body.ok || !isRecord(body.value)) return failure(400, "Bad Request", [fieldError("Invalid", "Body", "The request body must be a JSON object.")]);
    const checked = validateUser(body.value, { requirePassword: false });
    const errors = [...checked.errors];
    const version = body.value.Version;
    if (version === undefined || version === null) errors.push(fieldError("NotEmpty", "Version", "'Version' must not be empty."));
    else if (!Number.isInteger(version)) errors.push(fieldError("Invalid", "Version", "'Version' must be an integer."));
    const id = body.value.Id;
    if (id !== undefined && id !== null && id !== record.user.Id) errors.push(fieldError("Invalid", "Id", "'Id' must match the UserId in the URI."));
    if (errors.length > 0) return failure(400, "Bad Request", errors);
    if (version !== record.user.Version) return failure(409, "User version mismatch");
    const fields = checked.fields;
    if (state.entities.get(fields.ParentEntityId)?.kind !== "Company") return failure(404, "Entity not found");
    if (conflictingUser(fields.UserName, fields.Email, record.user.Id)) return failure(409, "Username and email already exist");
    record.user = { Id: record.user.Id, ...fields.user, IsActive: record.user.IsActive, Version: record.user.Version + 1 };
    return json(200, record.user);
  }

  /** Disable (DELETE) and Enable answer the User; each change raises Version, as the disable example shows (1 → 2). */
  function setActive(record: IqUserRecord, active: boolean): StandInReply {
    if (record.user.IsActive !== active) record.user = { ...record.user, IsActive: active, Version: record.user.Version + 1 };
    return json(200, record.user);
  }

  /** "If the email address belongs to a disabled User..." — disabled users still hold their names. */
  function conflictingUser(userName: string, email: string, exceptId: number | undefined): boolean {
    for (const { user } of state.users.values()) {
      if (user.Id === exceptId) continue;
      if (sameText(user.UserName, userName) || sameText(user.Email, email)) return true;
    }
    return false;
  }

  // --- locks and passwords ------------------------------------------------------------------

  /** The seed gives LockReasonId only; one that is not a lock reason of the User's company is a Bad Request. */
  function lockUser(request: StandInRequest, record: IqUserRecord): StandInReply {
    const body = parseJsonBody(request);
    const value = body.ok && isRecord(body.value) ? body.value.LockReasonId : undefined;
    if (value === undefined || value === null) return failure(400, "Bad Request", [fieldError("NotEmpty", "LockReasonId", "'LockReasonId' must not be empty.")]);
    if (!Number.isInteger(value)) return failure(400, "Bad Request", [fieldError("Invalid", "LockReasonId", "'LockReasonId' must be an integer.")]);
    const entry = state.lockReasons.get(value as number);
    if (!entry || entry.companyId !== record.user.ParentEntityId) {
      return failure(400, "Bad Request", [fieldError("Invalid", "LockReasonId", "'LockReasonId' is not a lock reason of the User's company.")]);
    }
    record.lockReasonId = value as number;
    return noContent();
  }

  /**
   * "This request will return true if the User is currently Locked, and false if the User is
   * unlocked" — as CanUnlockUser; LockReasonId is null when the User is not locked.
   */
  function lockStatus(record: IqUserRecord): StandInReply {
    return json(200, { CanUnlockUser: record.lockReasonId !== null, LockReasonId: record.lockReasonId });
  }

  function unlockUser(record: IqUserRecord): StandInReply {
    record.lockReasonId = null;
    return noContent();
  }

  /** ERRORS: "The temporary password must be at least 6 characters long ... and not an empty string". */
  function temporaryPassword(request: StandInRequest, record: IqUserRecord): StandInReply {
    const body = parseJsonBody(request);
    const password = body.ok && isRecord(body.value) ? body.value.Password : undefined;
    if (typeof password !== "string" || password.length < 6) return failure(400, "The temporary password must be at least 6 characters long");
    record.password = password;
    record.passwordIsTemporary = true;
    return noContent();
  }

  // --- locations ------------------------------------------------------------------------------

  function userLocations(record: IqUserRecord): StandInReply {
    return json(200, { UserID: record.user.Id, LocationIDs: [...record.locationIds].sort((a, b) => a - b) });
  }

  /** ERRORS: "HTTP 404 Entity not found — Ensure LocationId is valid". */
  function assignLocation(request: StandInRequest, record: IqUserRecord, assign: boolean): StandInReply {
    const locationId = parseId(request.params[1]);
    if (locationId === undefined) return failure(400, "Bad Request", [fieldError("Invalid", "LocationId", "'LocationId' must be an integer.")]);
    if (state.entities.get(locationId)?.kind !== "Location") return failure(404, "Entity not found");
    if (assign) record.locationIds.add(locationId);
    else record.locationIds.delete(locationId);
    return noContent();
  }

  // --- collections ----------------------------------------------------------------------------

  /**
   * `GET /Entities({CompanyId})/Users` has two documented forms:
   * - without $filter: "will only return Users where IsActive is set to true", paged, with
   *   `_links` and `_metadata`;
   * - with `$filter=ClientUserId eq '{ClientUserId}'`: the response is "Array[User]", a bare
   *   array. The seed does not limit this form to active users, so it returns disabled ones too
   *   (what replication needs to find a user to re-enable). $skip/$top apply to it as well.
   * Any other $filter is a Bad Request.
   */
  function companyUsers(request: StandInRequest, companyId: number): StandInReply {
    const window = pageWindow(request.query);
    if ("status" in window) return window;
    const filter = request.query.get("$filter");
    if (filter !== null) {
      const match = /^\s*ClientUserId\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
      if (!match) return failure(400, "Bad Request", [fieldError("Invalid", "$filter", "Only $filter=ClientUserId eq '...' is supported.")]);
      const clientUserId = (match[1] ?? "").replace(/''/g, "'");
      const found = companyMembers(companyId, false).filter((user) => user.ClientUserId === clientUserId);
      return json(200, found.slice(window.skip, window.skip + window.top));
    }
    return json(200, page(companyMembers(companyId, true), window, `/v1/Entities(${companyId})/Users`, ""));
  }

  /**
   * Search: "will only return Users where IsActive is set to true". The seed does not say which
   * fields terms match; each whitespace-separated term must occur (ignoring case) in FirstName,
   * LastName, UserName or Email. The links keep the terms, so following next pages the search.
   */
  function searchUsers(request: StandInRequest, companyId: number): StandInReply {
    const terms = (request.query.get("terms") ?? "").trim();
    if (terms === "") return failure(400, "No search terms provided");
    const window = pageWindow(request.query);
    if ("status" in window) return window;
    const words = terms.toLowerCase().split(/\s+/);
    const found = companyMembers(companyId, true).filter((user) => {
      const haystack = [user.FirstName, user.LastName, user.UserName, user.Email].join("\n").toLowerCase();
      return words.every((word) => haystack.includes(word));
    });
    const termsQuery = `terms=${encodeURIComponent(terms).replace(/%20/g, "+")}&`;
    return json(200, page(found, window, `/v1/Entities(${companyId})/Users/Search`, termsQuery));
  }

  function companyMembers(companyId: number, activeOnly: boolean): IqUser[] {
    const users: IqUser[] = [];
    for (const { user } of state.users.values()) {
      if (user.ParentEntityId === companyId && (!activeOnly || user.IsActive)) users.push(user);
    }
    return users.sort((a, b) => a.Id - b.Id);
  }

  /**
   * PAGINATION: "$skip ... defaults to 0 ... If a value less than 0 is specified, the URI is
   * considered malformed"; "$top ... defaults to 30". The section says $top accepts "[0-100]",
   * but the ERRORS table's message is "should be within 1 to 100 range but was {x}": the
   * stand-in follows the error message (a $top of 0 is refused), since that is what the server
   * says when it refuses one.
   */
  function pageWindow(query: URLSearchParams): { skip: number; top: number } | StandInReply {
    const skipText = query.get("$skip");
    const topText = query.get("$top");
    let skip = 0;
    let top = 30;
    if (skipText !== null) {
      if (!/^-?\d+$/.test(skipText.trim())) return failure(400, "Bad Request", [fieldError("Invalid", "$skip", "'$skip' must be an integer.")]);
      skip = Number(skipText);
      if (skip < 0) return failure(400, `Query string parameter '$skip' should be non-negative but was ${skip}`);
    }
    if (topText !== null) {
      if (!/^-?\d+$/.test(topText.trim())) return failure(400, "Bad Request", [fieldError("Invalid", "$top", "'$top' must be an integer.")]);
      top = Number(topText);
      if (top < 1 || top > 100) return failure(400, `Query string parameter '$top' should be within 1 to 100 range but was ${top}`);
    }
    return { skip, top };
  }

  /**
   * "Pagination-enabled requests include links for 'self', 'prev' and 'next' ... These links
   * are relative, they do not include the base endpoint"; `_metadata.count` is the size of the
   * whole set (15 in the seed's example with $top=5).
   */
  function page(all: IqUser[], window: { skip: number; top: number }, path: string, extraQuery: string): unknown {
    const { skip, top } = window;
    const link = (at: number): string => `${path}?${extraQuery}$skip=${at}&$top=${top}`;
    return {
      _links: {
        prev: skip > 0 ? link(Math.max(0, skip - top)) : absentLink,
        self: link(skip),
        next: skip + top < all.length ? link(skip + top) : absentLink,
      },
      _metadata: { count: all.length, skip, top },
      items: all.slice(skip, skip + top),
    };
  }

  // --- lock reasons ---------------------------------------------------------------------------

  function listLockReasons(companyId: number): StandInReply {
    const reasons = [...state.lockReasons.values()].filter((entry) => entry.companyId === companyId).map((entry) => entry.reason);
    return json(200, reasons.sort((a, b) => a.Id - b.Id));
  }

  function createLockReason(request: StandInRequest, companyId: number): StandInReply {
    const checked = validateLockReason(request);
    if ("status" in checked) return checked;
    const reason: IqLockReason = { Id: state.nextLockReasonId++, ...checked };
    state.lockReasons.set(reason.Id, { companyId, reason });
    return json(201, reason);
  }

  function updateLockReason(request: StandInRequest, reason: IqLockReason): StandInReply {
    const checked = validateLockReason(request, reason.Id);
    if ("status" in checked) return checked;
    reason.Name = checked.Name;
    reason.Description = checked.Description;
    return json(200, reason);
  }

  /** The seed's example response is "HTTP 200 Content-Type: application/json" with no body. */
  function deleteLockReason(reason: IqLockReason): StandInReply {
    state.lockReasons.delete(reason.Id);
    return { status: 200, headers: { "content-type": "application/json" }, body: "" };
  }

  function validateLockReason(request: StandInRequest, id?: number): { Name: string; Description: string } | StandInReply {
    const body = parseJsonBody(request);
    if (!body.ok || !isRecord(body.value)) return failure(400, "Bad Request", [fieldError("Invalid", "Body", "The request body must be a JSON object.")]);
    const errors: FieldError[] = [];
    const { Name, Description, Id } = body.value;
    if (typeof Name !== "string" || Name.trim() === "") errors.push(fieldError("NotEmpty", "Name", "'Name' must not be empty."));
    if (Description !== undefined && Description !== null && typeof Description !== "string") {
      errors.push(fieldError("Invalid", "Description", "'Description' must be a string."));
    }
    if (id !== undefined && Id !== undefined && Id !== null && Id !== id) errors.push(fieldError("Invalid", "Id", "'Id' must match the LockReasonId in the URI."));
    if (errors.length > 0) return failure(400, "Bad Request", errors);
    return { Name: Name as string, Description: typeof Description === "string" ? Description : "" };
  }
}

// --- validation -------------------------------------------------------------------------------

interface FieldError {
  ErrorCode: string;
  FieldName: string;
  Message: string;
}

function fieldError(code: string, field: string, message: string): FieldError {
  return { ErrorCode: code, FieldName: field, Message: message };
}

interface CheckedUser {
  errors: FieldError[];
  fields: {
    UserName: string;
    Email: string;
    ParentEntityId: number;
    password: string | undefined;
    user: Omit<IqUser, "Id" | "IsActive" | "Version">;
  };
}

/**
 * "Ensure all of the required fields are provided and formatted accurately". The seed does not
 * list the required fields; the stand-in requires those a User cannot exist without: UserName
 * ("must be unique"), Email ("Must be unique"), FirstName, LastName and ParentEntityId (the
 * Company), plus Password when importing ("existing Users ... imported from another system"
 * keep their password). PhoneNumber.Number "Must be at least 7 characters".
 */
function validateUser(body: Record<string, unknown>, options: { requirePassword: boolean }): CheckedUser {
  const errors: FieldError[] = [];
  const text = (name: string, required: boolean): string | undefined => {
    const value = body[name];
    if (value === undefined || value === null || value === "") {
      if (required) errors.push(fieldError("NotEmpty", name, `'${name}' must not be empty.`));
      return undefined;
    }
    if (typeof value !== "string") {
      errors.push(fieldError("Invalid", name, `'${name}' must be a string.`));
      return undefined;
    }
    if (required && value.trim() === "") errors.push(fieldError("NotEmpty", name, `'${name}' must not be empty.`));
    return value;
  };
  const UserName = text("UserName", true) ?? "";
  const Email = text("Email", true) ?? "";
  const FirstName = text("FirstName", true) ?? "";
  const LastName = text("LastName", true) ?? "";
  const ClientUserId = text("ClientUserId", false);
  const JobTitle = text("JobTitle", false);
  const password = options.requirePassword ? text("Password", true) : undefined;

  let ParentEntityId = 0;
  const parent = body.ParentEntityId;
  if (parent === undefined || parent === null) errors.push(fieldError("NotEmpty", "ParentEntityId", "'ParentEntityId' must not be empty."));
  else if (!Number.isInteger(parent)) errors.push(fieldError("Invalid", "ParentEntityId", "'ParentEntityId' must be an integer."));
  else ParentEntityId = parent as number;

  let Address: IqAddress | undefined;
  if (body.Address !== undefined && body.Address !== null) {
    if (!isRecord(body.Address)) errors.push(fieldError("Invalid", "Address", "'Address' must be an object."));
    else {
      const source = body.Address;
      const part = (name: keyof IqAddress): string => {
        const value = source[name];
        if (value === undefined || value === null) return "";
        if (typeof value !== "string") {
          errors.push(fieldError("Invalid", `Address.${name}`, `'${name}' must be a string.`));
          return "";
        }
        return value;
      };
      Address = {
        AddressLine1: part("AddressLine1"),
        AddressLine2: part("AddressLine2"),
        City: part("City"),
        StateCode: part("StateCode"),
        CountryCode: part("CountryCode"),
        Zip: part("Zip"),
      };
    }
  }

  const PhoneNumbers: IqPhoneNumber[] = [];
  if (body.PhoneNumbers !== undefined && body.PhoneNumbers !== null) {
    if (!Array.isArray(body.PhoneNumbers)) errors.push(fieldError("Invalid", "PhoneNumbers", "'PhoneNumbers' must be an array."));
    else {
      body.PhoneNumbers.forEach((entry: unknown, index) => {
        const where = `PhoneNumbers[${index}]`;
        if (!isRecord(entry)) {
          errors.push(fieldError("Invalid", where, `'${where}' must be an object.`));
          return;
        }
        const number = entry.Number;
        if (typeof number !== "string" || number.length < 7) {
          errors.push(fieldError("MinimumLength", `${where}.Number`, "'Number' must be at least 7 characters."));
        }
        const optional = (value: unknown): string => (typeof value === "string" ? value : "");
        PhoneNumbers.push({ Number: typeof number === "string" ? number : "", Extension: optional(entry.Extension), Type: optional(entry.Type) });
      });
    }
  }

  const user: Omit<IqUser, "Id" | "IsActive" | "Version"> = {
    FirstName,
    LastName,
    UserName,
    ...(Address ? { Address } : {}),
    ...(ClientUserId !== undefined ? { ClientUserId } : {}),
    Email,
    ...(JobTitle !== undefined ? { JobTitle } : {}),
    ParentEntityId,
    PhoneNumbers,
    Picture: isRecord(body.Picture) ? body.Picture : {},
  };
  return { errors, fields: { UserName, Email, ParentEntityId, password, user } };
}

// --- replies ----------------------------------------------------------------------------------

const ERROR_CODE_BY_STATUS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
};

/**
 * The seed's ERRORS table gives each failure as a status and a description only. The body is the
 * ResponseStatus shape of the sibling .NET user APIs (ErrorCode, Message, Errors[] of
 * {ErrorCode, FieldName, Message}); Message is the table's description word for word (for
 * example "User version mismatch"), and Errors names each field of a Bad Request.
 */
function failure(status: number, message: string, errors: FieldError[] = []): StandInReply {
  return json(status, { ResponseStatus: { ErrorCode: ERROR_CODE_BY_STATUS[status] ?? "Error", Message: message, Errors: errors } });
}

/** The seed's 204 examples read "HTTP 204 Content-Type: application/json". */
function noContent(): StandInReply {
  return { status: 204, headers: { "content-type": "application/json" } };
}

function parseId(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function createState(tokens: string[]): IqmetrixState {
  const state: IqmetrixState = {
    tokens: new Set(tokens),
    entities: new Map(),
    users: new Map(),
    lockReasons: new Map(),
    nextUserId: 2576,
    nextLockReasonId: 14,
    addCompany(id) {
      state.entities.set(id, { id, kind: "Company" });
    },
    addLocation(id, companyId) {
      state.entities.set(id, { id, kind: "Location", companyId });
    },
    addUser(fields) {
      const user: IqUser = {
        Id: fields.Id ?? state.nextUserId++,
        FirstName: fields.FirstName ?? "",
        LastName: fields.LastName ?? "",
        UserName: fields.UserName,
        ...(fields.Address ? { Address: fields.Address } : {}),
        ...(fields.ClientUserId !== undefined ? { ClientUserId: fields.ClientUserId } : {}),
        Email: fields.Email,
        IsActive: fields.IsActive ?? true,
        ...(fields.JobTitle !== undefined ? { JobTitle: fields.JobTitle } : {}),
        ParentEntityId: fields.ParentEntityId,
        PhoneNumbers: fields.PhoneNumbers ?? [],
        Picture: fields.Picture ?? {},
        Version: fields.Version ?? 1,
      };
      if (user.Id >= state.nextUserId) state.nextUserId = user.Id + 1;
      state.users.set(user.Id, { user, password: randomUUID(), passwordIsTemporary: false, lockReasonId: null, locationIds: new Set() });
      return user;
    },
    addLockReason(companyId, name, description = "") {
      const reason: IqLockReason = { Id: state.nextLockReasonId++, Name: name, Description: description };
      state.lockReasons.set(reason.Id, { companyId, reason });
      return reason;
    },
  };
  return state;
}
