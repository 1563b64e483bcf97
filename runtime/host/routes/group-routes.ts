/**
 * Groups and roles. `{id}` is a group's numeric id, its GUID, or its name (ignoring case,
 * URL-encoded). Changes need ManageUsers; creating, changing or deleting an administrators
 * group (or setting the flag) also needs an administrator.
 */
import type { FastifyInstance } from "fastify";
import type { DirectoryUserSummary } from "../../context";
import type { DirectoryGroup, GroupChanges, GroupRef } from "../../directory";
import { ApiError } from "../api-error";
import { pathOf, requirePermission, respond, type HostContext } from "../host-context";
import { pageBody, pageQuery, slicePage } from "../paging";
import { ENSURE_GROUPS_BODY, FORMAT_QUERY, GROUP_CHANGES_BODY, NEW_GROUP_BODY, NEW_ROLE_BODY, PAGE_QUERY } from "../schemas";

const GROUPS = "/api/v1/admin/groups";
const ROLES = "/api/v1/admin/roles";

type PageQueryString = { skip?: string; top?: string; format?: string };
interface NewGroupBody {
  name: string;
  administrators?: boolean;
  roles?: string[];
}

export function registerGroupRoutes(app: FastifyInstance, host: HostContext): void {
  const { directory } = host;

  app.get<{ Querystring: PageQueryString }>(GROUPS, { schema: { querystring: PAGE_QUERY } }, async (request, reply) => {
    const page = pageQuery(request.query);
    const found = directory.listGroups(page);
    return respond(request, reply, 200, pageBody(found.items, found.total, page, pathOf(request), request.query), { root: "Groups", item: "Group" });
  });

  app.get<{ Params: { id: string } }>(`${GROUPS}/:id`, { schema: { querystring: FORMAT_QUERY } }, async (request, reply) => {
    return respond(request, reply, 200, groupOf(host, request.params.id), { root: "Group" });
  });

  app.get<{ Params: { id: string }; Querystring: PageQueryString }>(`${GROUPS}/:id/users`, { schema: { querystring: PAGE_QUERY } }, async (request, reply) => {
    const group = groupOf(host, request.params.id);
    const page = pageQuery(request.query);
    const found = directory.groupMembers(group.id, page);
    return respond(request, reply, 200, pageBody(found.items, found.total, page, pathOf(request), request.query), { root: "Users", item: "User" });
  });

  app.post<{ Body: NewGroupBody }>(GROUPS, { schema: { body: NEW_GROUP_BODY, querystring: FORMAT_QUERY } }, async (request, reply) => {
    const acting = requirePermission(host, request, "ManageUsers", "create groups");
    if (request.body.administrators === true) requireAdministrator(host, acting, `create the administrators group "${request.body.name}"`);
    const group = directory.addGroup(request.body);
    reply.header("location", `${GROUPS}/${group.id}`);
    return respond(request, reply, 201, group, { root: "Group" });
  });

  // Not in the SmartIQ API: creates the named groups that are missing, so a pipeline can make
  // sure the groups a form names exist before SmartIQ User adds a user to them.
  app.post<{ Body: { names: string[] } }>(`${GROUPS}/ensure`, { schema: { body: ENSURE_GROUPS_BODY, querystring: FORMAT_QUERY } }, async (request, reply) => {
    requirePermission(host, request, "ManageUsers", "create groups");
    const result = directory.transaction(() => {
      const created: string[] = [];
      const existing: string[] = [];
      const seen = new Set<number>();
      for (const name of request.body.names) {
        const found = directory.findGroup(name);
        if (!found) {
          const group = directory.addGroup({ name });
          seen.add(group.id);
          created.push(group.name);
        } else if (!seen.has(found.id)) {
          seen.add(found.id);
          existing.push(found.name);
        }
      }
      return { created, existing };
    });
    return respond(request, reply, 200, result, { root: "EnsuredGroups" });
  });

  app.patch<{ Params: { id: string }; Body: NewGroupBody }>(
    `${GROUPS}/:id`,
    { schema: { body: GROUP_CHANGES_BODY, querystring: FORMAT_QUERY } },
    async (request, reply) => {
      const acting = requirePermission(host, request, "ManageUsers", "change groups");
      const group = directory.transaction(() => {
        const current = groupOf(host, request.params.id);
        if (current.administrators || request.body.administrators === true) requireAdministrator(host, acting, `change the administrators group "${current.name}"`);
        const changes: GroupChanges = {};
        if (request.body.name !== undefined) changes.name = request.body.name;
        if (request.body.administrators !== undefined) changes.administrators = request.body.administrators;
        if (request.body.roles !== undefined) changes.roles = request.body.roles;
        return directory.updateGroup(current.id, changes);
      });
      return respond(request, reply, 200, group, { root: "Group" });
    },
  );

  app.delete<{ Params: { id: string } }>(`${GROUPS}/:id`, { schema: { querystring: FORMAT_QUERY } }, async (request, reply) => {
    const acting = requirePermission(host, request, "ManageUsers", "delete groups");
    directory.transaction(() => {
      const current = groupOf(host, request.params.id);
      if (current.administrators) requireAdministrator(host, acting, `delete the administrators group "${current.name}"`);
      directory.deleteGroup(current.id);
    });
    return reply.code(204).send();
  });

  app.get<{ Querystring: PageQueryString }>(ROLES, { schema: { querystring: PAGE_QUERY } }, async (request, reply) => {
    const page = pageQuery(request.query);
    const roles = directory.listRoles();
    return respond(request, reply, 200, pageBody(slicePage(roles, page), roles.length, page, pathOf(request), request.query), { root: "Roles", item: "Role" });
  });

  app.post<{ Body: { name: string; permissions?: string[] } }>(ROLES, { schema: { body: NEW_ROLE_BODY, querystring: FORMAT_QUERY } }, async (request, reply) => {
    requirePermission(host, request, "ManageUsers", "create roles");
    const role = directory.addRole(request.body);
    reply.header("location", `${ROLES}/${encodeURIComponent(role.name)}`);
    return respond(request, reply, 201, role, { root: "Role" });
  });
}

/** A group by numeric id, GUID or name; 404 UNKNOWN_GROUP otherwise. */
function groupOf(host: HostContext, id: string): DirectoryGroup {
  const ref: GroupRef = /^[0-9]{1,15}$/.test(id) ? Number(id) : id;
  const group = host.directory.getGroup(ref);
  if (!group) throw new ApiError(404, "UNKNOWN_GROUP", `No group has the id, GUID or name "${id}"; GET ${GROUPS} lists them.`);
  return group;
}

function requireAdministrator(host: HostContext, acting: DirectoryUserSummary, what: string): void {
  if (!host.directory.isAdministrator(acting.guid)) {
    throw new ApiError(403, "ADMIN_GROUP_DENIED", `Only an administrator may ${what}; "${acting.username}" is not one.`);
  }
}

