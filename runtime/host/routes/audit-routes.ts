/** `GET /api/v1/admin/audit`: the audit log, oldest first, paginated. Needs ManageUsers (it shows everyone's activity). */
import type { FastifyInstance } from "fastify";
import { pathOf, requirePermission, respond, type HostContext } from "../host-context";
import { pageBody, pageQuery } from "../paging";
import { PAGE_QUERY } from "../schemas";

export function registerAuditRoutes(app: FastifyInstance, host: HostContext): void {
  app.get<{ Querystring: { skip?: string; top?: string; format?: string } }>("/api/v1/admin/audit", { schema: { querystring: PAGE_QUERY } }, async (request, reply) => {
    requirePermission(host, request, "ManageUsers", "read the audit log");
    const page = pageQuery(request.query);
    const found = host.directory.listAudit(page);
    return respond(request, reply, 200, pageBody(found.items, found.total, page, pathOf(request), request.query), { root: "AuditLog", item: "Record" });
  });
}
