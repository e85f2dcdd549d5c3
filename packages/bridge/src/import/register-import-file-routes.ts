import type { FastifyInstance } from 'fastify';
import { contentMatchesType } from '../channels/webchat/sniff-mime.js';
import type { Store } from '../store/store.js';
import { findImportMedia, IMPORT_FILES_PATH } from './import-media.js';

/**
 * `GET /import/files/:key/:name`: media of imported exports, by their unguessable content key, for amojo to
 * download. Only verified pictures are served inline; everything else is a download in a sandboxed response.
 */
export function registerImportFileRoutes(app: FastifyInstance, deps: { readonly store: Store }): void {
  app.get<{ Params: { key: string; name: string } }>(`${IMPORT_FILES_PATH}/:key/:name`, async (request, reply) => {
    const { key } = request.params;
    const file = /^[A-Za-z0-9_-]{43}$/.test(key) ? await findImportMedia(deps.store.db, key) : undefined;
    if (!file) return reply.code(404).send({ error: 'not_found', message: 'no such file' });
    const inline = file.mimeType.startsWith('image/') && contentMatchesType(file.mimeType, file.data);
    return reply
      .header(
        'content-type',
        inline || !file.mimeType.startsWith('image/') ? file.mimeType : 'application/octet-stream',
      )
      .header('content-length', String(file.data.length))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header(
        'content-disposition',
        `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      )
      .send(file.data);
  });
}
