/**
 * Whether a browser `Origin` header is allowed for an instance: listed in its `allowedOrigins` (or `*` there), or
 * the bridge's own origin (its demo page). A request without an Origin header is refused: browsers always send one
 * on WebSocket upgrades and cross-origin POSTs, so its absence means a script outside a page.
 */
export function originAllowed(input: {
  readonly origin: string | undefined;
  readonly allowedOrigins: readonly string[];
  readonly ownOrigins: readonly string[];
}): boolean {
  const origin = input.origin?.trim().toLowerCase().replace(/\/+$/, '');
  if (!origin || origin === 'null') return false;
  if (input.allowedOrigins.includes('*')) return true;
  const normalise = (value: string) => value.trim().toLowerCase().replace(/\/+$/, '');
  return (
    input.allowedOrigins.some((o) => normalise(o) === origin) || input.ownOrigins.some((o) => normalise(o) === origin)
  );
}

/** The origin (`scheme://host[:port]`) of a URL, or undefined when it is not an http(s) URL. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}
