import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Folder of the built dashboard (`scripts/build-admin.mjs`); this module is two levels below the package in src/ and dist/. */
export function dashboardAssetsDir(moduleUrl: string = import.meta.url): string {
  return fileURLToPath(new URL('../../dist/admin/', moduleUrl));
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
// Flat asset names only (admin.js, admin.css): nothing with a slash or a leading dot, so no path escapes the folder.
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
const NOT_BUILT = 'The admin dashboard is not built: run `npm run build` in packages/bridge, then reload.';
const DISABLED =
  'The admin dashboard is disabled because ADMIN_TOKEN is not set. Set ADMIN_TOKEN (16+ characters) and restart.';

async function sendAsset(reply: FastifyReply, dir: string, name: string): Promise<FastifyReply> {
  let data: Buffer;
  try {
    data = await readFile(join(dir, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (name === 'index.html') return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    return reply.code(404).type('text/plain; charset=utf-8').send(`No dashboard asset named ${name}`);
  }
  return reply
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .type(CONTENT_TYPES[extname(name)] ?? 'application/octet-stream')
    .send(data);
}

/**
 * Serves the dashboard page at `/admin` and its files under `/admin/assets/`. The page holds no data: everything it
 * shows comes from `/admin/api` with the Bearer token the operator types in (kept in sessionStorage, never in a URL).
 */
export async function registerDashboard(
  app: FastifyInstance,
  options: { readonly enabled: boolean; readonly assetsDir?: string },
): Promise<void> {
  const dir = options.assetsDir ?? dashboardAssetsDir();
  const page = async (_request: unknown, reply: FastifyReply) =>
    options.enabled
      ? sendAsset(reply, dir, 'index.html')
      : reply.code(404).type('text/plain; charset=utf-8').send(DISABLED);
  app.get('/admin', page);
  app.get('/admin/', page);
  app.get<{ Params: { file: string } }>('/admin/assets/:file', async (request, reply) => {
    const { file } = request.params;
    if (!options.enabled || !ASSET_NAME.test(file)) {
      return reply.code(404).type('text/plain; charset=utf-8').send('No such dashboard asset');
    }
    return sendAsset(reply, dir, file);
  });
}
