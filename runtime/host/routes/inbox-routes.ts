/**
 * The inbox, a sink for trying Send to REST Service offline: `POST /api/v1/inbox/{topic}` keeps
 * any JSON (up to 64 KB) with the time and the caller and answers 201 with the message's id;
 * `GET /api/v1/inbox/{topic}` lists a topic's messages, oldest first. Any signed-in user may
 * use it; it lives in memory.
 */
import type { FastifyInstance } from "fastify";
import { pathOf, respond, type HostContext } from "../host-context";
import { TOPIC_PATTERN } from "../inbox";
import { pageBody, pageQuery, slicePage } from "../paging";
import { FORMAT_QUERY, PAGE_QUERY } from "../schemas";

export const INBOX_MESSAGE_LIMIT = 64 * 1024;
const TOPIC_PARAMS = { type: "object", properties: { topic: { type: "string", pattern: TOPIC_PATTERN } }, required: ["topic"] } as const;

export function registerInboxRoutes(app: FastifyInstance, host: HostContext): void {
  app.post<{ Params: { topic: string }; Body: unknown }>(
    "/api/v1/inbox/:topic",
    { bodyLimit: INBOX_MESSAGE_LIMIT, schema: { params: TOPIC_PARAMS, querystring: FORMAT_QUERY } },
    async (request, reply) => {
      const caller = request.siq.caller;
      const message = host.inbox.add(request.params.topic, {
        receivedAt: host.clock.now().toISOString(),
        user: caller?.username ?? "",
        ...(request.siq.asUser ? { asUser: request.siq.asUser.username } : {}),
        body: request.body ?? null,
      });
      reply.header("location", `/api/v1/inbox/${message.topic}`);
      const { body: _body, ...receipt } = message;
      return respond(request, reply, 201, receipt, { root: "Received" });
    },
  );

  app.get<{ Params: { topic: string }; Querystring: { skip?: string; top?: string; format?: string } }>(
    "/api/v1/inbox/:topic",
    { schema: { params: TOPIC_PARAMS, querystring: PAGE_QUERY } },
    async (request, reply) => {
      const page = pageQuery(request.query);
      const all = host.inbox.list(request.params.topic);
      return respond(request, reply, 200, pageBody(slicePage(all, page), all.length, page, pathOf(request), request.query), { root: "Inbox", item: "Message" });
    },
  );
}
