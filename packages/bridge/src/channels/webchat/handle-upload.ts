import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { webchatFileUrl } from './handle-socket.js';
import { contentMatchesType } from './sniff-mime.js';
import type { LoadedWebchatInstance, WebchatServerContext } from './webchat-server-context.js';
import { checkVisitorToken } from './webchat-server-context.js';
import { mimeTypeAllowed } from './webchat-settings.js';
import { insertWebchatUpload } from './webchat-store.js';

/** A file name safe to store and show: no path, no control characters, at most 200 characters. */
export function cleanFileName(raw: string | undefined): string {
  let name = raw ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // A header that is not percent-encoded is used as it is.
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  name = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  if (!name || name === '.' || name === '..') return 'file';
  return name.length > 200 ? name.slice(name.length - 200) : name;
}

/** Who may upload: the visitor a valid token names, and the type they declared. */
export interface AdmittedUpload {
  readonly visitorId: string;
  readonly mimeType: string;
}

/**
 * Checks an upload before a byte of its body is read (an `onRequest` hook): the visitor token
 * (`authorization: Bearer <token>`), the visitor's upload rate and the declared type and size. Answers 401, 429,
 * 415 or 413 itself and returns undefined then; those answers close the connection, so an unread body is dropped
 * rather than drained.
 */
export async function admitWebchatUpload(
  ctx: WebchatServerContext,
  loaded: LoadedWebchatInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<AdmittedUpload | undefined> {
  const refuse = (status: number, body: Record<string, string>) =>
    reply.code(status).header('connection', 'close').send(body);
  const auth = request.headers.authorization;
  const checked = checkVisitorToken(
    ctx.runtime,
    loaded,
    auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined,
  );
  if (!checked.ok) {
    const expired = checked.reason === 'expired';
    await refuse(401, {
      error: expired ? 'token_expired' : 'token_invalid',
      message: expired ? 'the visitor token has expired' : 'a valid visitor token is required (Authorization: Bearer)',
    });
    return undefined;
  }
  const visitorId = checked.payload.visitor;
  const limited = ctx.limiter.take(`upload:${loaded.instance.key}:${visitorId}`, {
    perMinute: loaded.settings.rateLimit.uploadsPerMinute,
  });
  if (!limited.ok) {
    reply.header('retry-after', String(Math.ceil(limited.retryAfterMs / 1000)));
    await refuse(429, { error: 'rate_limited', message: 'too many uploads: wait a little' });
    return undefined;
  }
  const mimeType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!mimeType || !mimeTypeAllowed(loaded.settings.uploads.mimeTypes, mimeType)) {
    await refuse(415, {
      error: 'type_not_allowed',
      message: `files of type "${mimeType || 'unknown'}" are not accepted`,
    });
    return undefined;
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > loaded.settings.uploads.maxBytes) {
    await tooLarge(reply, loaded.settings.uploads.maxBytes);
    return undefined;
  }
  return { visitorId, mimeType };
}

/**
 * Stores one upload already admitted by {@link admitWebchatUpload}: the raw body is the file, `x-file-name` its
 * name (percent-encoded). Pictures are checked against their real bytes. Answers 201
 * `{ uploadId, url, fileName, size, mimeType }`; the widget then sends a message naming `uploadId`.
 */
export async function handleWebchatUpload(
  ctx: WebchatServerContext,
  loaded: LoadedWebchatInstance,
  admitted: AdmittedUpload,
  request: FastifyRequest,
  reply: FastifyReply,
  publicBase: string,
): Promise<FastifyReply> {
  const { runtime } = ctx;
  const { visitorId, mimeType } = admitted;
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (body.length === 0) return reply.code(400).send({ error: 'empty', message: 'the file is empty' });
  if (body.length > loaded.settings.uploads.maxBytes) return tooLarge(reply, loaded.settings.uploads.maxBytes);
  if (!contentMatchesType(mimeType, body)) {
    return reply.code(415).send({ error: 'type_mismatch', message: `the file's content is not ${mimeType}` });
  }
  const fileName = cleanFileName(request.headers['x-file-name'] as string | undefined);
  const upload = await insertWebchatUpload(runtime.store.db, {
    instanceRowId: loaded.instance.rowId,
    visitorId,
    fileKey: randomBytes(32).toString('base64url'),
    fileName,
    mimeType,
    size: body.length,
    data: body,
    now: runtime.now().getTime(),
  });
  runtime.log.info(
    { event: 'webchat_upload_stored', instanceId: loaded.instance.key, visitorId, size: upload.size, mimeType },
    'webchat upload stored',
  );
  return reply.code(201).send({
    uploadId: upload.id,
    url: webchatFileUrl(publicBase, upload.fileKey, upload.fileName),
    fileName: upload.fileName,
    size: upload.size,
    mimeType: upload.mimeType,
  });
}

/** The sentence of a 413, naming the instance's limit in KB. */
export const tooLargeMessage = (maxBytes: number): string =>
  `files up to ${Math.floor(maxBytes / 1024)} KB are accepted`;

/** The 413 answer naming the limit. */
export function tooLarge(reply: FastifyReply, maxBytes: number): FastifyReply {
  return reply
    .code(413)
    .header('connection', 'close')
    .send({ error: 'too_large', message: tooLargeMessage(maxBytes) });
}
