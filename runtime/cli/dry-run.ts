/** `--dry-run` output: each request as curl-like text (already masked by the request pipeline). */
import type { DryRunRequest } from "../context";

export function formatDryRunRequest(request: DryRunRequest): string {
  const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
  const lines = [`curl -X ${request.method} ${quote(request.url)}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`  -H ${quote(`${name}: ${value}`)}`);
  if (request.body !== undefined) lines.push(`  --data-binary ${quote(request.body)}`);
  return lines.join(" \\\n");
}
