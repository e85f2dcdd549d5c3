import type { FastifyInstance } from 'fastify';
import { nulByteRefusal } from '../find-nul-byte.js';

/**
 * Refuses, before any route runs, a request whose URL decodes to a NUL character (`%00` in the path or the query):
 * no scope, instance, file key or admin id holds one, and PostgreSQL refuses NUL in a `text` parameter with an
 * error, so a lookup of `/hooks/amojo/%00` answered 500 on PostgreSQL and 404 on SQLite (found by bench/fuzz.mjs
 * on PostgreSQL). Now 400 `nul_byte` on both engines, like NUL characters in bodies.
 */
export function refuseNulUrls(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const url = request.url;
    if (url.includes('\u0000') || url.toLowerCase().includes('%00'))
      return reply.code(400).send(nulByteRefusal('(url)'));
  });
}
