import { createHash } from 'node:crypto';
import type { ParsedHook } from '@amojo-bridge/sdk';
import { JOB_KINDS, relayJob } from '../pipelines/job-kinds.js';
import { managerMessageFromHook } from '../pipelines/manager-message.js';
import { enqueue } from '../queue/index.js';
import { findAccountByScope } from '../store/accounts/index.js';
import { insertHookRecord } from '../store/ops/insert-hook-record.js';
import { runStatement, statement } from '../store/statement.js';
import type { Executor } from '../store/store.js';
import type { ClassifiedHook } from './classify-hook.js';

/** Input of {@link acceptHook}. */
export interface AcceptHookInput {
  readonly scopeId: string;
  readonly rawBody: string;
  readonly classified: ClassifiedHook;
  /** Unix ms. */
  readonly now: number;
}

/** What became of one verified hook; `unknown_scope` and `account_mismatch` store nothing. */
export type AcceptHookResult =
  | {
      readonly outcome: 'accepted' | 'duplicate' | 'rejected';
      readonly hookId: number;
      readonly kind: string;
      readonly reason?: string;
    }
  | { readonly outcome: 'unknown_scope'; readonly reason: string }
  | { readonly outcome: 'account_mismatch'; readonly reason: string };

/**
 * The intake transaction: stores the raw hook (deduplicated) and, when it is new, its job, in the caller's
 * transaction (the commit batcher's), so the 200 promises exactly what is durable.
 */
export async function acceptHook(trx: Executor, input: AcceptHookInput): Promise<AcceptHookResult> {
  // The scope is looked up inside the grouped transaction: one round trip fewer per hook, and on SQLite no read
  // queued behind a batch holding the only connection.
  const account = await findAccountByScope(trx, input.scopeId);
  if (account?.state !== 'connected') {
    const why = account ? 'is disconnected' : 'is not connected to this bridge';
    return { outcome: 'unknown_scope', reason: `scope ${input.scopeId} ${why}` };
  }
  const { classified } = input;
  // One channel secret signs the hooks of every scope, so a signature alone does not say which scope a body is for:
  // its account_id must be the scope's account (else a body for A posted to B's URL would be B's message).
  if (classified.ok && 'accountId' in classified.hook && classified.hook.accountId !== account.amojoAccountId) {
    return {
      outcome: 'account_mismatch',
      reason: `the hook's account_id is not the account of scope ${input.scopeId}`,
    };
  }
  const base = { scopeId: input.scopeId, rawBody: input.rawBody, signatureOk: true, receivedAt: input.now };
  if (!classified.ok) {
    const stored = await insertHookRecord(trx, {
      ...base,
      kind: classified.kind,
      dedupKey: null,
      outcome: 'rejected',
      reason: classified.reason,
    });
    return { hookId: stored.hookId, kind: classified.kind, outcome: 'rejected', reason: classified.reason };
  }
  const hook = classified.hook;
  const stored = await insertHookRecord(trx, {
    ...base,
    kind: hook.kind,
    dedupKey: dedupKeyOf(hook, input.rawBody),
    outcome: 'accepted',
    reason: null,
  });
  if (stored.duplicateOf !== undefined) return { hookId: stored.hookId, kind: hook.kind, outcome: 'duplicate' };
  const job = jobFor(input.scopeId, hook, stored.hookId, input.rawBody);
  if (job) {
    const jobId = await enqueue(trx, job);
    await runStatement(trx, LINK_JOB, [jobId, stored.hookId]);
  }
  return { hookId: stored.hookId, kind: hook.kind, outcome: 'accepted' };
}

const LINK_JOB = statement('update hooks set job_id = ? where id = ?');

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
export function jobFor(scopeId: string, hook: ParsedHook, hookId: number, rawBody: string) {
  switch (hook.kind) {
    case 'message':
    case 'comment':
      return relayJob(JOB_KINDS.deliverToChannel, managerMessageFromHook(scopeId, hook, hookId));
    case 'typing':
      return relayJob(JOB_KINDS.typingToChannel, {
        scopeId,
        amojoChatId: hook.amojoChatId,
        conversationId: hook.conversationId ?? null,
        amojoUserId: hook.amojoUserId,
        expiresAtMs: hook.expiredAt * 1000,
        hookId,
        eventId: eventIdOf('typing', scopeId, rawBody),
      });
    case 'reaction':
      return relayJob(JOB_KINDS.reactionToChannel, {
        scopeId,
        amojoChatId: hook.amojoChatId,
        conversationId: hook.conversationId ?? null,
        amojoMsgId: hook.amojoMsgId,
        msgid: hook.msgid ?? null,
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
