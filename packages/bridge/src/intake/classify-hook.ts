import { createHash } from 'node:crypto';
import { AmojoInputError, type ParsedHook, parseHookBody } from '@amojo-bridge/sdk';
import { JOB_KINDS, relayJob } from '../pipelines/job-kinds.js';
import { managerMessageFromHook } from '../pipelines/manager-message.js';
import { asAmojoChatId, asAmojoMsgId, asConversationId, asMsgid, type HookRowId, type ScopeId } from '../store/ids.js';

// What intake makes of a verified hook body: the parsed hook (or why it cannot be processed), its deduplication key,
// the job it needs, and the shapes of accepting it (`accept-hook.ts` stores it; `accept-hooks-postgres.ts` stores a
// group of them at once).

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

/** Input of {@link acceptHook}. */
export interface AcceptHookInput {
  readonly scopeId: ScopeId;
  readonly rawBody: string;
  readonly classified: ClassifiedHook;
  /** Unix ms. */
  readonly now: number;
}

/** What became of one verified hook; `unknown_scope` and `account_mismatch` store nothing. */
export type AcceptHookResult =
  | {
      readonly outcome: 'accepted' | 'duplicate' | 'rejected';
      readonly hookId: HookRowId;
      readonly kind: string;
      readonly reason?: string;
    }
  | { readonly outcome: 'unknown_scope'; readonly reason: string }
  | { readonly outcome: 'account_mismatch'; readonly reason: string };

/**
 * Messages are deduplicated by the amojo message id, the same key reconciliation uses, so a hook that arrives after
 * its message was recovered from history is a duplicate. Typing and reactions have no id of their own: a hash of the
 * body (which includes `time`) catches exact repeats only.
 */
export function dedupKeyOf(hook: ParsedHook, rawBody: string): string {
  if (hook.kind === 'message' || hook.kind === 'comment') return hook.amojoMsgId;
  return `${hook.kind}:${createHash('sha256').update(rawBody).digest('hex')}`;
}

// The `webhook-id` of a typing or reaction event sent to a customer system: derived from the hook itself (its scope
// and raw bytes, which carry amojo's timestamps), so it is the same on every retry and never repeats for another
// event, even after the database is reset and hook row ids start over.
const eventIdOf = (kind: string, scopeId: string, rawBody: string): string =>
  `${kind}-${createHash('sha256').update(scopeId).update('\n').update(rawBody).digest('hex').slice(0, 32)}`;

/** The job a new hook needs (kind, payload with its hook id; lane and attempts from its spec), or undefined. */
export function jobFor(scopeId: ScopeId, hook: ParsedHook, hookId: HookRowId, rawBody: string) {
  switch (hook.kind) {
    case 'message':
    case 'comment':
      return relayJob(JOB_KINDS.deliverToChannel, managerMessageFromHook(scopeId, hook, hookId));
    case 'typing':
      return relayJob(JOB_KINDS.typingToChannel, {
        scopeId,
        amojoChatId: asAmojoChatId(hook.amojoChatId),
        conversationId: hook.conversationId === undefined ? null : asConversationId(hook.conversationId),
        amojoUserId: hook.amojoUserId,
        expiresAtMs: hook.expiredAt * 1000,
        hookId,
        eventId: eventIdOf('typing', scopeId, rawBody),
      });
    case 'reaction':
      return relayJob(JOB_KINDS.reactionToChannel, {
        scopeId,
        amojoChatId: asAmojoChatId(hook.amojoChatId),
        conversationId: hook.conversationId === undefined ? null : asConversationId(hook.conversationId),
        amojoMsgId: asAmojoMsgId(hook.amojoMsgId),
        msgid: hook.msgid === undefined ? null : asMsgid(hook.msgid),
        amojoUserId: hook.amojoUserId,
        type: hook.type,
        emoji: hook.emoji ?? null,
        hookId,
        eventId: eventIdOf('reaction', scopeId, rawBody),
      });
    default:
      return undefined;
  }
}
