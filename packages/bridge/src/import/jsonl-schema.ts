import { z } from 'zod';
import type { ImportContent, ImportDirection } from './import-message.js';

// One line of the JSON Lines import format (documented in src/import/README.md). Content fields are the http
// channel's (camelCase Chats API fields); a media message names a public `media` URL or a `file` inside the export.

const text = z.string().max(20_000);
const mediaFields = {
  text: text.optional(),
  media: z.url({ protocol: /^https?$/ }).optional(),
  file: z.string().min(1).max(1000).optional(),
  fileName: z.string().min(1).max(255).optional(),
  fileSize: z.number().int().nonnegative().optional(),
  mimeType: z.string().max(255).optional(),
  mediaDuration: z.number().int().nonnegative().optional(),
};
const content = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: text.min(1) }),
  z.object({ type: z.enum(['picture', 'file', 'video', 'voice', 'audio', 'sticker']), ...mediaFields }),
  z.object({
    type: z.literal('location'),
    text: text.optional(),
    location: z.object({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) }),
  }),
  z.object({
    type: z.literal('contact'),
    text: text.optional(),
    contact: z.object({ name: z.string().min(1).max(255), phone: z.string().min(1).max(64) }),
  }),
]);

/** Unix seconds, unix milliseconds (from 10^11 on) or an ISO 8601 date with a time zone. */
const timestamp = z.union([z.number().int().positive(), z.iso.datetime({ offset: true })]);

export const jsonlLine = z.object({
  chat: z.string().min(1).max(255),
  id: z.union([z.string().min(1).max(255), z.number().int()]).optional(),
  customer: z.object({
    id: z.string().min(1).max(255),
    name: z.string().min(1).max(255),
    phone: z.string().max(64).optional(),
    email: z.string().max(255).optional(),
  }),
  direction: z.enum(['in', 'out-manager', 'out-bot']),
  manager: z
    .object({ name: z.string().min(1).max(255).optional(), amojoId: z.string().min(1).max(64).optional() })
    .optional(),
  timestamp,
  message: content,
});
export type JsonlLine = z.infer<typeof jsonlLine>;

/** Milliseconds of a line's timestamp. */
export function timestampMs(value: JsonlLine['timestamp']): number {
  if (typeof value === 'string') return Date.parse(value);
  return value < 1e11 ? value * 1000 : value;
}

/** The line's content in the import's shape (`file` wins over `media` when both are given). */
export function contentOf(message: JsonlLine['message']): ImportContent | string {
  switch (message.type) {
    case 'text':
      return { type: 'text', text: message.text };
    case 'location':
      return { type: 'location', text: message.text ?? '', location: message.location };
    case 'contact':
      return { type: 'contact', text: message.text ?? '', contact: message.contact };
    default: {
      const media = message.file ? { path: message.file } : message.media ? { url: message.media } : undefined;
      if (!media) return `message.media or message.file is required for a ${message.type} message`;
      return {
        type: message.type,
        text: message.text ?? '',
        media,
        fileName: message.fileName,
        fileSize: message.fileSize,
        mimeType: message.mimeType,
        mediaDuration: message.mediaDuration,
      };
    }
  }
}

export const isDirection = (value: string): value is ImportDirection =>
  value === 'in' || value === 'out-manager' || value === 'out-bot';
