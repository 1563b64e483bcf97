/**
 * The local REST service the HTTP scenarios call: node:http with keep-alive, in its own
 * process. It reads every request body and answers small JSON, or a large JSON document on
 * `/large` (built once, `--large-mb N`).
 */
import { createServer } from "node:http";
import { serveParent } from "../lib/child";

const largeMb = Number(process.argv[process.argv.indexOf("--large-mb") + 1] ?? 0) || 0;

const small = Buffer.from(JSON.stringify({ id: 42, username: "jdoe", email: "jdoe@example.com", groups: ["Sales", "Support"] }));
let large: Buffer | undefined;
if (largeMb > 0) {
  // Items of about 100 bytes each until the document reaches the size asked for.
  const items: string[] = [];
  let size = 0;
  for (let i = 0; size < largeMb * 1024 * 1024; i++) {
    const item = JSON.stringify({ id: i, username: `user${i}`, email: `user${i}@example.com`, note: "x".repeat(40) });
    items.push(item);
    size += item.length + 1;
  }
  large = Buffer.from(`{"total":${items.length},"items":[${items.join(",")}]}`);
}

let requests = 0;
const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  requests++;
  // Drain the body as a real service would before answering.
  request.on("data", () => undefined);
  request.on("end", () => {
    const body = request.url === "/large" && large ? large : small;
    response.writeHead(request.method === "POST" ? 201 : 200, { "content-type": "application/json", "content-length": body.length });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const cpu0 = process.cpuUsage();
  serveParent(
    { url: `http://127.0.0.1:${port}`, largeBytes: large?.length ?? 0 },
    {
      stats: () => {
        const cpu = process.cpuUsage(cpu0);
        return { requests, cpuMicros: cpu.user + cpu.system };
      },
    },
  );
});
