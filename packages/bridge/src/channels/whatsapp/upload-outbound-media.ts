import { ResponseTooLargeError, readResponseBytes } from '@amojo-bridge/sdk';
import type { ChannelFetch } from '../channel-plugin.js';
import type { GraphApi } from './graph-api.js';
import { mediaKindFor, mimeTypeOf, WHATSAPP_MEDIA } from './whatsapp-media.js';

type Body = Record<string, unknown>;

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const DOWNLOAD_TIMEOUT_MS = 60_000;
const LARGEST = Math.max(...Object.values(WHATSAPP_MEDIA).map((m) => m.maxBytes));

/** Why a manager's file could not be sent: refused for good (its type or size), or worth another attempt. */
export class OutboundMediaError extends Error {
  override readonly name = 'OutboundMediaError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

function lastSegment(link: string): string {
  try {
    return decodeURIComponent(new URL(link).pathname.split('/').pop() || 'file');
  } catch {
    return 'file';
  }
}

async function download(
  fetch: ChannelFetch,
  link: string,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; contentType: string | null }> {
  let response: Response;
  try {
    response = await fetch(link, { method: 'GET', signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (error) {
    throw new OutboundMediaError(`the file could not be downloaded from amoCRM (${(error as Error).name})`, true);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new OutboundMediaError(
      `the file could not be downloaded from amoCRM (HTTP ${response.status})`,
      response.status >= 500,
    );
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > LARGEST) {
    await response.body?.cancel().catch(() => undefined);
    throw new OutboundMediaError(`WhatsApp takes files up to ${LARGEST / 1024 / 1024} MB; this one is larger`, false);
  }
  // Without a Content-Length (chunked) the size shows only while reading: stop as soon as it passes the largest.
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readResponseBytes(response, LARGEST);
  } catch (error) {
    if (error instanceof ResponseTooLargeError) {
      throw new OutboundMediaError(`WhatsApp takes files up to ${LARGEST / 1024 / 1024} MB; this one is larger`, false);
    }
    throw new OutboundMediaError(`the file could not be downloaded from amoCRM (${(error as Error).name})`, true);
  }
  return { bytes, contentType: response.headers.get('content-type') };
}

/**
 * Sends a manager's files as Meta's docs recommend for files the bridge holds: each media body's `link` is downloaded,
 * checked against WhatsApp's types and size limits (a picture or video WhatsApp would refuse as such goes as a
 * document when a document may carry it), uploaded with `POST /{phone-number-id}/media`, and sent by `id`.
 */
export async function uploadOutboundMedia(
  api: GraphApi,
  fetch: ChannelFetch,
  bodies: readonly Body[],
): Promise<Body[]> {
  const result: Body[] = [];
  for (const body of bodies) {
    const type = String(body.type);
    const media = body[type] as Body | undefined;
    if (!MEDIA_TYPES.has(type) || typeof media?.link !== 'string') {
      result.push(body);
      continue;
    }
    const fileName = typeof media.filename === 'string' ? media.filename : lastSegment(media.link);
    const file = await download(fetch, media.link);
    const mimeType = mimeTypeOf(file.contentType, fileName);
    const kind = mediaKindFor(type, mimeType, file.bytes.length);
    if (!kind.ok) throw new OutboundMediaError(kind.reason, false);
    const id = await api.uploadMedia({ bytes: file.bytes, mimeType, fileName });
    const { link: _link, ...rest } = media;
    result.push({
      ...body,
      type: kind.kind,
      [type]: undefined,
      [kind.kind]: { ...rest, id, ...(kind.kind === 'document' && !rest.filename ? { filename: fileName } : {}) },
    });
  }
  return result.map((b) => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)));
}
