import { verifyHook } from '@amojo-bridge/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelConfig } from '../config/index.js';
import { findNulByte, nulByteRefusal } from '../find-nul-byte.js';
import { rawBody } from '../http/raw-body.js';
import { errorReplyScope } from '../http/register-error-reply.js';
import type { Logger } from '../log.js';
import type { BridgeMetrics } from '../metrics/index.js';
import type { CommitBatcher } from '../queue/index.js';
import { asScopeId } from '../store/ids.js';
import type { Store } from '../store/store.js';
import { createHookIntakeGroup, type HookIntakeGroup } from './accept-hook.js';
import { classifyHook } from './classify-hook.js';

/** Largest hook body accepted, bytes. amojo hooks are a few KB; anything near this is not from amojo. */
export const HOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/** What {@link registerHookIntake} uses: the store and commit batcher, the channel secret, intake counts, log, clock. */
export interface HookIntakeDeps {
  readonly store: Store;
  readonly batcher: CommitBatcher;
  readonly config: { readonly channel: Pick<ChannelConfig, 'secret'> };
  readonly metrics: Pick<BridgeMetrics, 'intakeTotal'>;
  readonly log: Logger;
  readonly now: () => Date;
}

/** Options of {@link registerHookIntake}. */
export interface HookIntakeOptions {
  /** Default {@link HOOK_BODY_LIMIT_BYTES}. */
  readonly bodyLimit?: number;
}

interface HookRoute {
  Params: { scope_id: string };
  Body: Buffer;
}

/**
 * Registers `POST /hooks/amojo/:scope_id` (spec 4.1): raw body, size limit, constant-time `X-Signature` check before
 * parsing, scope lookup, then ONE grouped transaction storing the raw hook and its job, and only then 200. Nothing
 * slow happens before the answer: amojo waits at most 5 s, never retries, and demotes slow integrations.
 */
export async function registerHookIntake(
  app: FastifyInstance,
  deps: HookIntakeDeps,
  options: HookIntakeOptions = {},
): Promise<void> {
  const bodyLimit = options.bodyLimit ?? HOOK_BODY_LIMIT_BYTES;
  const log = deps.log.child({ component: 'hook-intake' });
  const group = createHookIntakeGroup(deps.store, deps.batcher);
  await app.register(async (scope) => {
    // Encapsulated: this parser keeps the exact bytes for these routes only (the signature covers the raw body).
    await scope.register(rawBody, { contentTypes: '*', bodyLimit });
    const scopeIdOf = (request: FastifyRequest) => (request.params as { scope_id?: string } | undefined)?.scope_id;
    errorReplyScope(scope, {
      log,
      logFields: (request) => ({ scopeId: scopeIdOf(request) }),
      tooLarge: {
        message: (limit) => `hook body exceeds ${limit} bytes`,
        onRefused: (request, limit) => {
          deps.metrics.intakeTotal.inc({ outcome: 'too_large' });
          log.warn({ scopeId: scopeIdOf(request), limit, outcome: 'too_large' }, 'hook refused: body too large');
        },
      },
      failure: {
        message: 'the hook could not be stored',
        log: 'hook intake failed; amojo will not retry, reconciliation will recover it',
      },
    });
    scope.post<HookRoute>('/hooks/amojo/:scope_id', { bodyLimit }, (request, reply) =>
      handleHook(deps, group, log, request, reply),
    );
  });
}

async function handleHook(
  deps: HookIntakeDeps,
  group: HookIntakeGroup,
  log: Logger,
  request: FastifyRequest<HookRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const scopeId = asScopeId(request.params.scope_id);
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const signature = request.headers['x-signature'];
  const signatureText = typeof signature === 'string' ? signature : undefined;
  if (!verifyHook(raw, signatureText, deps.config.channel.secret)) {
    deps.metrics.intakeTotal.inc({ outcome: 'bad_signature' });
    const reason = signatureText ? 'X-Signature does not match the body' : 'X-Signature header is missing';
    log.warn({ scopeId, outcome: 'bad_signature', reason, bytes: raw.length }, 'hook refused: bad signature');
    return reply.code(401).send({
      error: 'bad_signature',
      message: `${reason}: amojo signs the raw body with HMAC-SHA1 keyed with the channel secret (spec 4.1)`,
    });
  }
  const text = raw.toString('utf8');
  const classified = classifyHook(text);
  const nulAt = findNulByte(raw, classified.ok ? classified.hook.body : undefined);
  if (nulAt) {
    deps.metrics.intakeTotal.inc({ outcome: 'nul_byte' });
    log.warn({ scopeId, outcome: 'nul_byte', path: nulAt }, 'hook refused: NUL character');
    return reply.code(400).send(nulByteRefusal(nulAt));
  }
  const result = await group.accept({ scopeId, rawBody: text, classified, now: deps.now().getTime() });
  if (result.outcome === 'account_mismatch') {
    deps.metrics.intakeTotal.inc({ outcome: 'account_mismatch' });
    log.warn({ scopeId, outcome: 'account_mismatch', reason: result.reason }, 'hook refused: another account');
    return reply.code(403).send({ error: 'account_mismatch', message: result.reason });
  }
  if (result.outcome === 'unknown_scope') {
    deps.metrics.intakeTotal.inc({ outcome: 'unknown_scope' });
    log.warn({ scopeId, outcome: 'unknown_scope', reason: result.reason }, 'hook refused: unknown scope');
    return reply.code(404).send({ error: 'unknown_scope', message: result.reason });
  }
  deps.metrics.intakeTotal.inc({ outcome: result.outcome });
  const event = { scopeId, hookId: result.hookId, kind: result.kind, outcome: result.outcome };
  if (result.outcome === 'rejected') log.warn({ ...event, reason: result.reason }, 'hook stored as rejected');
  else log.debug(event, 'hook accepted');
  return reply
    .code(200)
    .send({ ok: true, outcome: result.outcome, ...(result.reason ? { reason: result.reason } : {}) });
}
