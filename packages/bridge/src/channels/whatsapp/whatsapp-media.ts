/**
 * What the Cloud API takes as media (Meta's "Supported media types"): the MIME types of each message type and their
 * size limits. Checked before a manager's file is uploaded, so a file Meta would refuse gets -1 with a reason the
 * manager understands instead of a failed upload.
 */
export const WHATSAPP_MEDIA: Readonly<
  Record<string, { readonly types: readonly string[]; readonly maxBytes: number }>
> = {
  image: { types: ['image/jpeg', 'image/png'], maxBytes: 5 * 1024 * 1024 },
  video: { types: ['video/mp4', 'video/3gpp'], maxBytes: 16 * 1024 * 1024 },
  audio: {
    types: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
    maxBytes: 16 * 1024 * 1024,
  },
  // Static stickers; animated ones may be 500 KB, which the bridge cannot tell apart without decoding the file.
  sticker: { types: ['image/webp'], maxBytes: 100 * 1024 },
  document: {
    types: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * 1024 * 1024,
  },
};

const BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  mp4: 'video/mp4',
  '3gp': 'video/3gpp',
  aac: 'audio/aac',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  txt: 'text/plain',
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/** The file's MIME type: the download's `content-type` unless generic, else guessed from the file name. */
export function mimeTypeOf(contentType: string | null, fileName: string | undefined): string {
  const given = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (given && given !== 'application/octet-stream' && given !== 'binary/octet-stream') return given;
  const extension = /\.([a-z0-9]+)$/i.exec(fileName ?? '')?.[1]?.toLowerCase();
  return (extension && BY_EXTENSION[extension]) ?? (given || 'application/octet-stream');
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;

/**
 * The WhatsApp type a file goes as, or why it cannot go: a picture or video WhatsApp does not take as such (another
 * format, too big) goes as a document when a document may carry it.
 */
export function mediaKindFor(
  wanted: string,
  mimeType: string,
  size: number,
): { readonly ok: true; readonly kind: string } | { readonly ok: false; readonly reason: string } {
  const fits = (kind: string) => {
    const rule = WHATSAPP_MEDIA[kind]!;
    return rule.types.includes(mimeType) && size <= rule.maxBytes;
  };
  if (fits(wanted)) return { ok: true, kind: wanted };
  if ((wanted === 'image' || wanted === 'video') && fits('document')) return { ok: true, kind: 'document' };
  const rule = WHATSAPP_MEDIA[wanted]!;
  if (!rule.types.includes(mimeType)) {
    return {
      ok: false,
      reason: `WhatsApp does not take a ${mimeType} file as ${wanted === 'document' ? 'a document' : `${wanted}`} (it takes ${rule.types.join(', ')})`,
    };
  }
  return {
    ok: false,
    reason: `WhatsApp takes ${wanted === 'document' ? 'documents' : `${wanted} files`} up to ${megabytes(rule.maxBytes)}; this one is ${megabytes(size)}`,
  };
}
