import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type ErrorAnswer,
  type ErrorReplyScope,
  failureAnswer,
  isTooLarge,
  refusalAnswer,
  tooLargeAnswer,
  tooLargeLimit,
} from './error-answer.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by {@link errorReplyScope} on every route of a scope; read by the root error handler. */
    errorReply?: ErrorReplyScope;
  }
}

function send(reply: FastifyReply, answer: ErrorAnswer): FastifyReply {
  if (answer.headers) reply.headers(answer.headers);
  return reply.code(answer.status).send(answer.body);
}

/** Answers one error: the scope's own mapping first, then 413, Fastify's refusals and 4xx, else a logged failure. */
export function errorReply(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const scope = request.routeOptions.config?.errorReply;
  const own = scope?.map?.(error, request);
  if (own) return send(reply, own);
  const log = scope?.log ?? request.log;
  const fields = { ...scope?.logFields?.(request) };
  if (isTooLarge(error)) {
    const limit = tooLargeLimit(request, scope);
    if (scope?.tooLarge?.onRefused) scope.tooLarge.onRefused(request, limit);
    else log.warn({ ...fields, event: 'body_too_large', limit }, 'request refused: body too large');
    return send(reply, tooLargeAnswer(error, limit, scope));
  }
  const refused = refusalAnswer(error);
  if (refused) {
    log.warn(
      { ...fields, event: 'request_refused', status: refused.status, error: refused.body.error, reason: error.message },
      'request refused',
    );
    return send(reply, refused);
  }
  const event = scope?.failure?.event ?? 'request_failed';
  log.error({ ...fields, event, err: error }, scope?.failure?.log ?? 'request failed');
  return send(reply, failureAnswer(scope));
}

/**
 * Registers {@link errorReply} as the root error handler: every route family answers failures the same way, and
 * a scope's differences travel in its routes' config (see {@link errorReplyScope}), not in a handler of its own.
 */
export function registerErrorReply(app: FastifyInstance): void {
  app.setErrorHandler(errorReply);
}

/**
 * Declares what a scope answers differently; call it inside the scope before its routes. The differences are set
 * on each route's config, so the one root handler applies them (Fastify encapsulation keeps them in the scope).
 * @example
 * await app.register(async (scope) => {
 *   errorReplyScope(scope, { failure: { status: 503, error: 'unavailable', message: 'retry it' } });
 *   scope.post('/events', handler);
 * });
 */
export function errorReplyScope(scope: FastifyInstance, differences: ErrorReplyScope): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, errorReply: differences };
  });
}
