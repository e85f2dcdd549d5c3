import { z } from 'zod';

// Defaults stated in the schema (not only in HTTP_DEFAULT_CAPABILITIES): a form generated from it (the admin
// dashboard's) then starts each box ticked, instead of sending every capability as false.
const capability = (what: string) =>
  z.boolean().default(true).describe(`false when the customer system cannot take ${what}`);

/**
 * Settings of an `http` instance: where the bridge POSTs manager events, and what the customer system cannot take
 * (everything but edits is on by default; see `http-capabilities.ts`).
 */
export const httpSettingsSchema = z.object({
  url: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .max(2000)
    .describe('where the bridge POSTs signed manager events (http or https)'),
  capabilities: z
    .object({
      text: capability('text messages'),
      picture: capability('pictures'),
      file: capability('files'),
      video: capability('videos'),
      voice: capability('voice messages'),
      audio: capability('audio'),
      sticker: capability('stickers'),
      location: capability('locations'),
      contact: capability('contacts'),
      typing: capability('manager typing events'),
      reactions: capability('manager reactions'),
    })
    .optional()
    .describe('what the customer system cannot take: amoCRM then gets -1/905 for those messages'),
  maxFileBytes: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('largest manager file (by fileSize) to post; a bigger one reaches the customer as a download link'),
  maxTextLength: z
    .number()
    .int()
    .min(100)
    .optional()
    .describe(
      'longest manager text the customer system takes, characters; a longer text is posted as several messages (ids <messageId>, <messageId>-2, ...)',
    ),
  reactionEmoji: z
    .array(z.string().min(1).max(32))
    .min(1)
    .max(100)
    .optional()
    .describe(
      'the emoji the amoCRM channel declared at registration; a customer reaction with another emoji is refused (400)',
    ),
});

/** Parsed settings of an `http` instance. */
export type HttpSettings = z.output<typeof httpSettingsSchema>;
