import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// Asset names are flat (inbox.js, inbox.css): anything with a slash or a leading dot is refused, so no path escapes.
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** Folder holding the built inbox page: `dist/web` next to this module in `dist/`, or `../dist/web` from `src/`. */
export function inboxAssetsDir(moduleUrl: string = import.meta.url): string {
  const here = dirname(fileURLToPath(moduleUrl));
  // From src/ the sibling `web/` folder is the TSX source, not the bundle, so always aim at dist/web.
  return basename(here) === 'dist' ? join(here, 'web') : join(here, '..', 'dist', 'web');
}

const NOT_BUILT =
  'The sandbox inbox page is not built. Run `npm run build` in packages/sandbox (or at the repository root), then reload.';

async function sendFile(reply: FastifyReply, dir: string, name: string): Promise<FastifyReply> {
  let data: Buffer;
  try {
    data = await readFile(join(dir, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (name === 'index.html') return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    return reply.code(404).type('text/plain; charset=utf-8').send(`No inbox asset named ${name}`);
  }
  // A local dev tool rebuilt often: always revalidate instead of caching stale bundles.
  return reply
    .header('cache-control', 'no-cache')
    .type(CONTENT_TYPES[extname(name)] ?? 'application/octet-stream')
    .send(data);
}

/** Options of {@link registerInbox}. */
export interface RegisterInboxOptions {
  /** Folder of the built page; defaults to {@link inboxAssetsDir}. */
  readonly assetsDir?: string;
}

/** Serves the built manager inbox page at `GET /` and `GET /inbox`, and its files under `/inbox-assets/`. */
export async function registerInbox(app: FastifyInstance, options: RegisterInboxOptions = {}): Promise<void> {
  const dir = options.assetsDir ?? inboxAssetsDir();
  // The folder is looked up on every request, so building while the sandbox runs needs no restart.
  app.get('/', (_request, reply) => sendFile(reply, dir, 'index.html'));
  app.get('/inbox', (_request, reply) => sendFile(reply, dir, 'index.html'));
  app.get<{ Params: { file: string } }>('/inbox-assets/:file', (request, reply) => {
    const { file } = request.params;
    if (!ASSET_NAME.test(file)) return reply.code(404).type('text/plain; charset=utf-8').send('No such inbox asset');
    return sendFile(reply, dir, file);
  });
}
