/**
 * A short, token-free description of an OAuth refusal from its problem JSON (`hint`, else `detail`, else `title`),
 * e.g. `400: Invalid refresh token`. amoCRM's OAuth errors carry `hint`; the text is cut to 200 characters.
 */
export function describeOAuthRefusal(status: number, bodyText: string): string {
  let reason = '';
  try {
    const body = JSON.parse(bodyText) as { hint?: unknown; detail?: unknown; title?: unknown };
    const first = [body.hint, body.detail, body.title].find((v) => typeof v === 'string' && v.trim() !== '');
    reason = typeof first === 'string' ? first : '';
  } catch {
    reason = '';
  }
  return reason ? `${status}: ${reason.slice(0, 200)}` : `HTTP ${status}`;
}
