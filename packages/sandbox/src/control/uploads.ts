import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ControlRequestError } from '../errors.js';

/** A file uploaded through the control API, kept in memory. */
export interface StoredUpload {
  readonly fileName: string;
  readonly mimeType: string;
  readonly data: Buffer;
}

/** Largest upload, decoded. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** In-memory attachment store behind `POST /_sandbox/api/uploads` and `GET /attachments/:id/:fileName`. */
export class UploadStore {
  private readonly files = new Map<string, StoredUpload>();

  /** Stores a base64 file and returns its public URL and message type. */
  add(baseUrl: string, input: { fileName?: unknown; mimeType?: unknown; dataBase64?: unknown }) {
    const { fileName, mimeType, dataBase64 } = input;
    if (typeof fileName !== 'string' || fileName === '' || /[/\\]/.test(fileName)) {
      throw new ControlRequestError(400, 'fileName is required and may not contain slashes');
    }
    if (typeof mimeType !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(mimeType)) {
      throw new ControlRequestError(400, 'mimeType must look like type/subtype');
    }
    if (typeof dataBase64 !== 'string') throw new ControlRequestError(400, 'dataBase64 is required');
    const data = Buffer.from(dataBase64, 'base64');
    if (data.length > MAX_UPLOAD_BYTES) throw new ControlRequestError(413, 'the file is larger than 10 MB');
    const id = randomBytes(12).toString('hex');
    this.files.set(id, { fileName, mimeType, data });
    return {
      url: `${baseUrl}/attachments/${id}/${encodeURIComponent(fileName)}`,
      fileName,
      fileSize: data.length,
      type: mimeType.startsWith('image/') ? ('picture' as const) : ('file' as const),
    };
  }

  /** Every stored file by id, for persisting. */
  entries(): IterableIterator<[string, StoredUpload]> {
    return this.files.entries();
  }

  /** Puts back a persisted file under its id (its URL stays valid). */
  restore(id: string, upload: StoredUpload): void {
    this.files.set(id, upload);
  }

  /** Serves stored files; unknown ids (or a wrong name) get 404. */
  register(app: FastifyInstance): void {
    app.get<{ Params: { id: string; fileName: string } }>('/attachments/:id/:fileName', (request, reply) => {
      const file = this.files.get(request.params.id);
      if (!file || file.fileName !== request.params.fileName) {
        return reply.code(404).type('text/plain; charset=utf-8').send('no such attachment');
      }
      return reply.type(file.mimeType).header('cache-control', 'no-cache').send(file.data);
    });
  }
}
