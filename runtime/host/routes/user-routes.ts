/**
 * Users: list (paginated), create, read by GUID or username, change, and DELETE (which
 * disables: accounts are kept for the audit trail). Changes need ManageUsers; as in the SmartIQ
 * User action, only an administrator may change an administrator or anyone's membership of an
 * administrators group; nobody can disable the account they call with.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { DirectoryUserSummary } from "../../context";
import { hashPassword, type DirectoryUser, type PasswordHash, type UserChanges, type UserTextFields } from "../../directory";
import { USER_TEXT_FIELDS } from "../../directory/types";
import { ApiError } from "../api-error";
import { pathOf, requirePermission, respond, type HostContext } from "../host-context";
import { pageBody, pageQuery } from "../paging";
import { FORMAT_QUERY, NEW_USER_BODY, PAGE_QUERY, USER_CHANGES_BODY } from "../schemas";

const USERS = "/api/v1/admin/users";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type PageQueryString = { skip?: string; top?: string; format?: string };

interface NewUserBody extends Partial<UserTextFields> {
  username: string;
  disabled?: boolean;
  mustChangePassword?: boolean;
  password?: string;
  groups?: string[];
  customFields?: Record<string, string>;
}

interface UserChangesBody extends Partial<UserTextFields> {
  username?: string;
  disabled?: boolean;
  mustChangePassword?: boolean;
  password?: string | null;
  groups?: string[];
  customFields?: Record<string, string>;
}

export function registerUserRoutes(app: FastifyInstance, host: HostContext): void {
  const { directory } = host;

  app.get<{ Querystring: PageQueryString }>(USERS, { schema: { querystring: PAGE_QUERY } }, async (request, reply) => {
    const page = pageQuery(request.query);
    const found = directory.listUsers(page);
    return respond(request, reply, 200, pageBody(found.items, found.total, page, pathOf(request), request.query), { root: "Users", item: "User" });
  });

  app.get<{ Params: { guid: string } }>(`${USERS}/:guid`, { schema: { querystring: FORMAT_QUERY } }, async (request, reply) => {
    return respond(request, reply, 200, userByGuid(host, request.params.guid), { root: "User" });
  });

  app.get<{ Params: { username: string } }>(`${USERS}/name/:username`, { schema: { querystring: FORMAT_QUERY } }, async (request, reply) => {
    const user = directory.getUserByUsername(request.params.username);
    if (!user) throw new ApiError(404, "UNKNOWN_USER", `No user is named "${request.params.username}" (ignoring case).`);
    return respond(request, reply, 200, user, { root: "User" });
  });

  app.post<{ Body: NewUserBody }>(USERS, { schema: { body: NEW_USER_BODY, querystring: FORMAT_QUERY } }, async (request, reply) => {
    const acting = requirePermission(host, request, "ManageUsers", "create users");
    const body = request.body;
    const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
    const user = directory.transaction(() => {
      for (const name of body.groups ?? []) checkAdminGroup(host, acting, name, "add a user to");
      return directory.createUser({
        username: body.username,
        ...textFields(body),
        ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
        ...(body.mustChangePassword !== undefined ? { mustChangePassword: body.mustChangePassword } : {}),
        ...(passwordHash !== undefined ? { passwordHash } : {}),
        ...(body.customFields !== undefined ? { customFields: body.customFields } : {}),
        ...(body.groups !== undefined ? { groups: body.groups } : {}),
      });
    });
    reply.header("location", `${USERS}/${user.guid}`);
    return respond(request, reply, 201, user, { root: "User" });
  });

  app.patch<{ Params: { guid: string }; Body: UserChangesBody }>(
    `${USERS}/:guid`,
    { schema: { body: USER_CHANGES_BODY, querystring: FORMAT_QUERY } },
    async (request, reply) => {
      const acting = requirePermission(host, request, "ManageUsers", "change users");
      const body = request.body;
      let passwordHash: PasswordHash | null | undefined;
      if (typeof body.password === "string") passwordHash = await hashPassword(body.password);
      else if (body.password === null) passwordHash = null;
      const user = directory.transaction(() => {
        const target = userByGuid(host, request.params.guid);
        checkMayChange(host, request, acting, target, body.disabled === true);
        const changes: UserChanges = { ...textFields(body) };
        if (body.username !== undefined) changes.username = body.username;
        if (body.disabled !== undefined) changes.disabled = body.disabled;
        if (body.mustChangePassword !== undefined) changes.mustChangePassword = body.mustChangePassword;
        if (passwordHash !== undefined) changes.passwordHash = passwordHash;
        if (body.customFields !== undefined) changes.customFields = body.customFields;
        directory.updateUser(target.guid, changes);
        if (body.groups !== undefined) replaceGroups(host, acting, target, body.groups);
        return directory.getUser(target.guid) as DirectoryUser;
      });
      return respond(request, reply, 200, user, { root: "User" });
    },
  );

  app.delete<{ Params: { guid: string } }>(`${USERS}/:guid`, { schema: { querystring: FORMAT_QUERY } }, async (request, reply) => {
    const acting = requirePermission(host, request, "ManageUsers", "disable users");
    const user = directory.transaction(() => {
      const target = userByGuid(host, request.params.guid);
      checkMayChange(host, request, acting, target, true);
      return directory.disableUser(target.guid);
    });
    return respond(request, reply, 200, user, { root: "User" });
  });
}

function userByGuid(host: HostContext, guid: string): DirectoryUser {
  const user = GUID.test(guid) ? host.directory.getUser(guid.toLowerCase()) : undefined;
  if (!user || user.guid !== guid.toLowerCase()) {
    throw new ApiError(404, "UNKNOWN_USER", `No user has the GUID "${guid}"; to find a user by name use ${USERS}/name/{username}.`);
  }
  return user;
}

function textFields(body: Partial<UserTextFields>): Partial<UserTextFields> {
  const out: Partial<UserTextFields> = {};
  for (const key of USER_TEXT_FIELDS) {
    const value = body[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function checkMayChange(host: HostContext, request: FastifyRequest, acting: DirectoryUserSummary, target: DirectoryUser, disabling: boolean): void {
  if (disabling && (target.guid === acting.guid || target.guid === request.siq.caller?.guid)) {
    throw new ApiError(409, "SELF_DISABLE_DENIED", `"${target.username}" is the account making this request; it cannot disable itself. Ask another user with ManageUsers.`);
  }
  if (host.directory.isAdministrator(target.guid) && !host.directory.isAdministrator(acting.guid)) {
    throw new ApiError(403, "ADMIN_USER_DENIED", `"${target.username}" is an administrator, and only an administrator may change an administrator's account; "${acting.username}" is not one.`);
  }
}

/** Throws ADMIN_GROUP_DENIED when a non-administrator touches an administrators group's members. */
function checkAdminGroup(host: HostContext, acting: DirectoryUserSummary, group: string | number, what: string): void {
  const found = host.directory.findGroup(group);
  if (found?.administrators && !host.directory.isAdministrator(acting.guid)) {
    throw new ApiError(403, "ADMIN_GROUP_DENIED", `"${found.name}" is an administrators group; only an administrator may ${what} it, and "${acting.username}" is not one.`);
  }
}

/** Makes the user's groups exactly `names` (inside the caller's transaction). */
function replaceGroups(host: HostContext, acting: DirectoryUserSummary, user: DirectoryUser, names: readonly string[]): void {
  const { directory } = host;
  const wanted = new Map<number, string>();
  for (const name of names) {
    const group = directory.findGroup(name);
    if (!group) throw new ApiError(400, "UNKNOWN_GROUP", `The group "${name}" in "groups" does not exist; create it first (POST /api/v1/admin/groups).`);
    wanted.set(group.id, group.name);
  }
  const current = new Map<number, string>();
  for (const name of user.groups) {
    const group = directory.findGroup(name);
    if (group) current.set(group.id, group.name);
  }
  for (const [id] of current) {
    if (!wanted.has(id)) {
      checkAdminGroup(host, acting, id, "remove a user from");
      directory.removeUserFromGroup(user.guid, id);
    }
  }
  for (const [id] of wanted) {
    if (!current.has(id)) {
      checkAdminGroup(host, acting, id, "add a user to");
      directory.addUserToGroup(user.guid, id);
    }
  }
}
