import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxAssetsDir, registerInbox } from '../src/inbox-assets.js';
import { ensureInboxBuilt } from './inbox-build.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('registerInbox', () => {
  let app: FastifyInstance;
  let emptyDir: string;
  let unbuilt: FastifyInstance;

  beforeAll(async () => {
    await ensureInboxBuilt();
    app = Fastify();
    await registerInbox(app);
    emptyDir = await mkdtemp(join(tmpdir(), 'inbox-unbuilt-'));
    unbuilt = Fastify();
    await registerInbox(unbuilt, { assetsDir: emptyDir });
  });

  afterAll(async () => {
    await app?.close();
    await unbuilt?.close();
    if (emptyDir) await rm(emptyDir, { recursive: true, force: true });
  });

  it('finds dist/web from src/ and from dist/', async () => {
    expect(inboxAssetsDir(new URL('../src/inbox-assets.ts', import.meta.url).href)).toBe(
      join(packageDir, 'dist', 'web'),
    );
    expect(inboxAssetsDir(new URL('../dist/inbox-assets.js', import.meta.url).href)).toBe(
      join(packageDir, 'dist', 'web'),
    );
    expect((await stat(join(inboxAssetsDir(), 'inbox.js'))).isFile()).toBe(true);
  });

  it('serves the page at / and /inbox, linking the bundle it serves', async () => {
    for (const url of ['/', '/inbox']) {
      const page = await app.inject({ url });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('<div id="app"></div>');
      expect(page.body).toContain('/inbox-assets/inbox.js');
      expect(page.body).toContain('/inbox-assets/inbox.css');
    }
    const js = await app.inject({ url: '/inbox-assets/inbox.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.body).toContain('/_sandbox/api/events');
    const css = await app.inject({ url: '/inbox-assets/inbox.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('refuses unknown assets and paths that try to leave the folder', async () => {
    expect((await app.inject({ url: '/inbox-assets/nope.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/inbox-assets/..%2F..%2Fpackage.json' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/inbox-assets/.hidden' })).statusCode).toBe(404);
  });

  it('answers 503 with the command to run when the page is not built', async () => {
    const page = await unbuilt.inject({ url: '/' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build');
  });
});
