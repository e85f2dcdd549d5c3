import { AmojoInputError, type ParsedHook, parseHookBody } from '@amojo-bridge/sdk';

/** What intake learned from a verified body: a parsed hook, or why it cannot be processed. */
export type ClassifiedHook =
  | { readonly ok: true; readonly hook: ParsedHook }
  | { readonly ok: false; readonly kind: string; readonly reason: string };

/**
 * Parses a verified hook body. Failures are not errors of ours: the body is stored as rejected with the reason (and
 * answered 200, so amojo does not slow the channel down), for an operator to read in the admin API.
 */
export function classifyHook(text: string): ClassifiedHook {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, kind: 'unknown', reason: `body is not valid JSON (${text.length} bytes)` };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, kind: 'unknown', reason: 'body is not a JSON object' };
  }
  const body = json as Record<string, unknown>;
  const guessedKind = 'message' in body ? 'message' : 'action' in body ? 'action' : 'unknown';
  try {
    const hook = parseHookBody(json);
    if (hook.kind === 'message_v1') {
      return {
        ok: false,
        kind: 'message_v1',
        reason: 'v1 message hooks are not supported: connect the scope with hook_api_version "v2" (spec 4.6)',
      };
    }
    return { ok: true, hook };
  } catch (error) {
    if (error instanceof AmojoInputError) {
      const where = error.path ? ` at ${error.path}` : '';
      return { ok: false, kind: guessedKind, reason: `${error.message}${where}` };
    }
    throw error;
  }
}
