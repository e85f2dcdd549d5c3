import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import { readLimitedBody } from './read-limited-body.js';

/** Options of {@link rawBody}. */
export interface RawBodyOptions {
  /** `'*'`: every content type (the scope's other parsers removed), or the listed ones only. */
  readonly contentTypes: '*' | readonly string[];
  /** Largest body; Fastify refuses a larger declared `content-length` before reading (413). Default: the route's. */
  readonly bodyLimit?: number;
  /**
   * A tighter limit known only per request (set by the route's onRequest hook): the body then streams through a
   * counter that stops at `min(limitOf(request), bodyLimit)`, so a chunked body past it is never held either.
   */
  readonly limitOf?: (request: FastifyRequest) => number;
}

function install(scope: FastifyInstance, options: RawBodyOptions): void {
  const types = options.contentTypes === '*' ? ['*'] : [...options.contentTypes];
  if (options.contentTypes === '*') scope.removeAllContentTypeParsers();
  else for (const type of types) if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
  const limits = options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit };
  const { bodyLimit } = options;
  // The scope's routes say the limit too (Fastify's route limit wins over a parser's), so a 413 can name it.
  if (bodyLimit !== undefined) {
    scope.addHook('onRoute', (route) => {
      route.bodyLimit ??= bodyLimit;
    });
  }
  const { limitOf } = options;
  for (const type of types) {
    if (limitOf) {
      const bound = options.bodyLimit ?? Number.POSITIVE_INFINITY;
      scope.addContentTypeParser(type, limits, (request, payload, done) => {
        readLimitedBody(payload, Math.min(limitOf(request), bound)).then(
          (body) => done(null, body),
          (error: Error) => done(error),
        );
      });
    } else {
      scope.addContentTypeParser(type, { parseAs: 'buffer', ...limits }, (_request, body, done) => done(null, body));
    }
  }
}

/**
 * A Fastify plugin that hands the routes of the scope registering it the exact request bytes as a `Buffer`, for
 * signature checks over the raw body (amojo's X-Signature, Standard Webhooks, Meta's X-Hub-Signature-256) and for
 * uploads. It applies to the registering scope (not a child of its own), and only to it: siblings keep their parsers.
 * @example
 * await app.register(async (scope) => {
 *   await scope.register(rawBody, { contentTypes: '*', bodyLimit: 1024 * 1024 });
 *   scope.post('/hooks/amojo/:scope_id', handler); // request.body is a Buffer
 * });
 */
export const rawBody: FastifyPluginCallback<RawBodyOptions> = Object.assign(
  (scope: FastifyInstance, options: RawBodyOptions, done: (error?: Error) => void) => {
    install(scope, options);
    done();
  },
  // What fastify-plugin sets: run in the registering scope, so its routes get the parsers (Fastify plugin docs).
  { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'raw-body' },
);
