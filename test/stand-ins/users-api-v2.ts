/**
 * A stand-in for the Users API v2 (seed: users-api-v2.txt).
 *
 * Mounted under /api/v2. Operations: GET a User by Id (`/api/v2/user?format=...&companyid=...
 * &integrationkey=...&id=...`) and the paginated search (`/api/v2/user/search?format=xml/json`).
 * The seed says v2 is available "using the REST GET, POST and DELETE verbs" but documents only
 * GET and search, so only those are served.
 *
 * Search: "This API end point implements pagination ... You can learn more about pagination in
 * our API overview" — the overview is not part of the seed, so the stand-in chooses the plainest
 * form: `page` (1-based, default 1) and `pageSize` (1 to 100, default 50) query parameters; the
 * response is a UserSearchResponse { Users, Page, PageSize, TotalCount }, and a page past the
 * end has no Users. Optional filters `email`, `externalid` and `status` narrow the search
 * (exact, ignoring case); the seed names no filters, so without them every User of the company
 * is returned.
 */
import { randomUUID } from "node:crypto";
import type { Route, StandIn, StandInReply, StandInRequest } from "./stand-in-kit";
import { isGuid, queryIgnoringCase, serve } from "./stand-in-kit";
import type { Format, Member, ResponseError } from "./service-stack-format";
import { errorReply, formatDateTime, negotiateFormat, readInteger, reply, validationReply } from "./service-stack-format";

export const USERS_V2_TEST_COMPANY_ID = 7;
export const USERS_V2_TEST_INTEGRATION_KEY = "v2-test-integration-key";

const ARRAY_ITEMS = { Folders: "Id", Groups: "Id", UserDevices: "UserDevice", Users: "User", Errors: "ResponseError" };

export interface UserDevice {
  Hardware: string;
  Id: string;
  OS: string;
  OSVersion: string;
}

export interface V2User {
  Id: string;
  CompanyId: number;
  ExternalId: string | null;
  FirstName: string;
  LastName: string;
  Email: string;
  Status: "Invited" | "Active" | "Inactive";
  LastActivity: string;
  Folders: string[];
  Groups: string[];
  WebsiteRole: "" | "Admin" | "User" | "ReadOnly";
  UserDevices: UserDevice[];
}

export interface UsersV2State {
  /** Integration keys by CompanyId. */
  companies: Map<number, string>;
  users: Map<string, V2User>;
  addUser(fields: Partial<V2User> & Pick<V2User, "FirstName" | "LastName" | "Email">): V2User;
}

export interface UsersV2StandInOptions {
  companies?: Record<number, string>;
}

export async function startUsersV2StandIn(options: UsersV2StandInOptions = {}): Promise<StandIn<UsersV2State>> {
  const state = createState(options.companies ?? { [USERS_V2_TEST_COMPANY_ID]: USERS_V2_TEST_INTEGRATION_KEY });

  const routes: Route[] = [
    { method: "GET", pattern: /^\/user\/?$/i, handle: getUser },
    { method: "GET", pattern: /^\/user\/search\/?$/i, handle: searchUsers },
  ];

  return serve(state, routes, {
    prefix: "/api/v2",
    notFound: (request) => errorReply(formatOf(request), 404, "ErrorResponse", "NotFound", `Handler for Request not found: ${request.method} ${request.url.pathname}`),
    methodNotAllowed: (request) => errorReply(formatOf(request), 405, "ErrorResponse", "MethodNotAllowed", `${request.method} is not supported here.`),
  });

  function formatOf(request: StandInRequest): Format {
    const format = negotiateFormat(request, "ErrorResponse");
    return typeof format === "string" ? format : "json";
  }

  /** CompanyId and Integrationkey are "Required: Yes"; missing or wrong ones are 401. */
  function authorize(request: StandInRequest, format: Format, root: string): number | StandInReply {
    const companyId = readInteger(queryIgnoringCase(request.query, "companyid"));
    const key = queryIgnoringCase(request.query, "integrationkey");
    if (companyId === undefined || key === undefined || state.companies.get(companyId) !== key) {
      return errorReply(format, 401, root, "Unauthorized", "Invalid CompanyId or IntegrationKey.");
    }
    return companyId;
  }

  function getUser(request: StandInRequest): StandInReply {
    const root = "UserResponse";
    const format = negotiateFormat(request, root);
    if (typeof format !== "string") return format;
    const companyId = authorize(request, format, root);
    if (typeof companyId !== "number") return companyId;
    const id = queryIgnoringCase(request.query, "id")?.trim() ?? "";
    if (id === "") return validationReply(format, root, [{ ErrorCode: "NotEmpty", FieldName: "Id", Message: "'Id' must not be empty." }]);
    if (!isGuid(id)) {
      return errorReply(format, 400, root, "RequestBindingException", "Unable to bind request: 'Id' is not a GUID.", [
        { ErrorCode: "RequestBindingException", FieldName: "Id", Message: "'Id' is not a GUID." },
      ]);
    }
    const user = state.users.get(id.toLowerCase());
    if (!user || user.CompanyId !== companyId) return errorReply(format, 404, root, "NotFound", "User not found.");
    return reply(format, 200, root, { User: toMembers(user) }, ARRAY_ITEMS);
  }

  function searchUsers(request: StandInRequest): StandInReply {
    const root = "UserSearchResponse";
    const format = negotiateFormat(request, root);
    if (typeof format !== "string") return format;
    const companyId = authorize(request, format, root);
    if (typeof companyId !== "number") return companyId;

    const errors: ResponseError[] = [];
    const number = (name: string, fallback: number, min: number, max: number): number => {
      const text = queryIgnoringCase(request.query, name);
      if (text === undefined || text.trim() === "") return fallback;
      const value = readInteger(text);
      if (value === undefined || value < min || value > max) {
        const range = max === Infinity ? `${min} or more` : `between ${min} and ${max}`;
        errors.push({ ErrorCode: max === Infinity ? "GreaterThanOrEqual" : "InclusiveBetween", FieldName: name === "page" ? "Page" : "PageSize", Message: `'${name}' must be ${range}. You entered ${text}.` });
      }
      return value ?? fallback;
    };
    const pageNumber = number("page", 1, 1, Infinity);
    const pageSize = number("pageSize", 50, 1, 100);
    if (errors.length > 0) return validationReply(format, root, errors);

    const filter = (name: string): string | undefined => {
      const value = queryIgnoringCase(request.query, name)?.trim();
      return value === undefined || value === "" ? undefined : value.toLowerCase();
    };
    const email = filter("email");
    const externalId = filter("externalid");
    const status = filter("status");
    const matches = [...state.users.values()]
      .filter((user) => user.CompanyId === companyId)
      .filter((user) => email === undefined || user.Email.toLowerCase() === email)
      .filter((user) => externalId === undefined || (user.ExternalId ?? "").toLowerCase() === externalId)
      .filter((user) => status === undefined || user.Status.toLowerCase() === status)
      .sort((a, b) => a.LastName.localeCompare(b.LastName) || a.FirstName.localeCompare(b.FirstName) || a.Id.localeCompare(b.Id));
    const start = (pageNumber - 1) * pageSize;
    return reply(
      format,
      200,
      root,
      { Page: pageNumber, PageSize: pageSize, TotalCount: matches.length, Users: matches.slice(start, start + pageSize).map(toMembers) },
      ARRAY_ITEMS,
    );
  }
}

/**
 * The User as the API returns it, members in alphabetical order (as the v1 XML sample has them).
 * Password, DoNotEmail, ResetPassword and IntegrationKey are write-only or credentials and are
 * not returned. (The seed's table lists Email with an empty name cell; it is the Email member.)
 */
function toMembers(user: V2User): Record<string, Member> {
  return {
    CompanyId: user.CompanyId,
    Email: user.Email,
    ExternalId: user.ExternalId,
    FirstName: user.FirstName,
    Folders: user.Folders,
    Groups: user.Groups,
    Id: user.Id,
    LastActivity: user.LastActivity,
    LastName: user.LastName,
    Status: user.Status,
    UserDevices: user.UserDevices.map((device) => ({ Hardware: device.Hardware, Id: device.Id, OS: device.OS, OSVersion: device.OSVersion })),
    WebsiteRole: user.WebsiteRole,
  };
}

function createState(companies: Record<number, string>): UsersV2State {
  const state: UsersV2State = {
    companies: new Map(Object.entries(companies).map(([id, key]) => [Number(id), key])),
    users: new Map(),
    addUser(fields) {
      const user: V2User = {
        Id: (fields.Id ?? randomUUID()).toLowerCase(),
        CompanyId: fields.CompanyId ?? USERS_V2_TEST_COMPANY_ID,
        ExternalId: fields.ExternalId ?? null,
        FirstName: fields.FirstName,
        LastName: fields.LastName,
        Email: fields.Email,
        Status: fields.Status ?? "Active",
        LastActivity: fields.LastActivity ?? formatDateTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))),
        Folders: fields.Folders ?? [],
        Groups: fields.Groups ?? [],
        WebsiteRole: fields.WebsiteRole ?? "",
        UserDevices: fields.UserDevices ?? [],
      };
      state.users.set(user.Id, user);
      return user;
    },
  };
  return state;
}
