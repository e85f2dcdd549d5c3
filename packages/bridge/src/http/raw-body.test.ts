import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { type RawBodyOptions, rawBody } from './raw-body.js';
import { registerErrorReply } from './register-error-reply.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

const echo = async (request: { body: unknown }) => ({
  isBuffer: Buffer.isBuffer(request.body),
  text: Buffer.isBuffer(request.body) ? request.body.toString('utf8') : request.body,
});

/** `/raw` in a scope that registered the plugin, `/parsed` in a sibling scope that did not. */
async function appWith(options: RawBodyOptions) {
  const app = Fastify();
  apps.push(app);
  registerErrorReply(app);
  await app.register(async (scope) => {
    await scope.register(rawBody, options);
    scope.post('/raw', echo);
  });
  await app.register(async (scope) => {
    scope.post('/parsed', echo);
  });
  return (url: string, payload: string, headers: InjectOptions['headers'] = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });
}

describe('rawBody plugin', () => {
  it('hands the registering scope the exact bytes of every content type; a sibling keeps parsing JSON', async () => {
    const post = await appWith({ contentTypes: '*', bodyLimit: 64 });
    const body = '{"a": 1,  "b":"é"}\n';
    expect((await post('/raw', body)).json()).toEqual({ isBuffer: true, text: body });
    expect((await post('/raw', 'x', { 'content-type': 'image/x-odd' })).json()).toEqual({ isBuffer: true, text: 'x' });
    expect((await post('/parsed', body)).json()).toEqual({ isBuffer: false, text: { a: 1, b: 'é' } });
    const tooBig = await post('/raw', 'y'.repeat(65));
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json()).toEqual({ error: 'too_large', message: 'the body exceeds 64 bytes' });
  });

  it('with a list, takes only those types raw and leaves the others to their parsers', async () => {
    const post = await appWith({ contentTypes: ['application/json'] });
    expect((await post('/raw', '{"a":1}')).json()).toEqual({ isBuffer: true, text: '{"a":1}' });
    expect((await post('/raw', 'hi', { 'content-type': 'text/plain' })).json()).toEqual({
      isBuffer: false,
      text: 'hi',
    });
  });

  it('with limitOf, stops a body at the per-request limit while it streams', async () => {
    const post = await appWith({ contentTypes: '*', bodyLimit: 1000, limitOf: (r) => Number(r.headers['x-limit']) });
    expect((await post('/raw', 'abcd', { 'x-limit': '4' })).json()).toEqual({ isBuffer: true, text: 'abcd' });
    const over = await post('/raw', 'abcde', { 'x-limit': '4' });
    expect(over.statusCode).toBe(413);
    expect(over.json()).toMatchObject({ error: 'too_large' });
  });
});
