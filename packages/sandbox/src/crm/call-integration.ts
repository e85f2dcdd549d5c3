/** Answer of one GET to an integration endpoint. */
export interface IntegrationCallResult {
  readonly status?: number;
  readonly error?: string;
  readonly durationMs: number;
}

/**
 * GETs an integration URL once, as amoCRM does for the install redirect and the disabled hook: a short timeout, the
 * status recorded but ignored, redirects not followed, never retried (spec 4.7).
 */
export async function callIntegration(url: URL, timeoutMs: number): Promise<IntegrationCallResult> {
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: 'GET',
      redirect: 'manual',
      headers: { 'User-Agent': 'amoCRM-oAuth-client/1.0' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, durationMs: durationMs() };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const reason = timedOut
      ? `no answer within ${timeoutMs} ms`
      : error instanceof Error
        ? describeNetworkError(error)
        : 'request failed';
    return { error: reason, durationMs: durationMs() };
  }
}

/** Node's fetch hides the socket error in `cause`; its code (ECONNREFUSED...) is what a developer needs. */
function describeNetworkError(error: Error): string {
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) return `${error.message}: ${(cause as Error & { code?: string }).code ?? cause.message}`;
  return error.message;
}

/** The URL without its query, for logs: the query carries the code or the signature. */
export function withoutQuery(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
