/**
 * `${SIQ_HOST_URL}`: the embedded host's URL, for connections that call the host itself (the
 * inbox, or its API through Send to REST Service). The host sets it to its own URL for the
 * pipelines in its folder; `siq run` sets it to the in-process host it starts; `siq validate`
 * uses a placeholder on the reserved `.invalid` domain, which never resolves. A value set in
 * the environment wins over all three.
 */
export const HOST_URL_VARIABLE = "SIQ_HOST_URL";
export const HOST_URL_PLACEHOLDER = "http://siq-host.invalid";

/** The environment for loading pipelines, with SIQ_HOST_URL set unless the environment sets it. */
export function withHostUrl(env: Readonly<Record<string, string | undefined>>, url: string): Record<string, string | undefined> {
  const given = env[HOST_URL_VARIABLE];
  return given !== undefined && given !== "" ? { ...env } : { ...env, [HOST_URL_VARIABLE]: url };
}
