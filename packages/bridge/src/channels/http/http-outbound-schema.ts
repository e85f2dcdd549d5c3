import { z } from 'zod';

// What the bridge POSTs to a customer system, as zod schemas: the README's protocol tables are generated from these
// (`describe-http-protocol.ts`), and the tests parse every event the bridge really sent with them, strictly.

const direction = z.literal('outbound').describe('binds the signature to its direction');

const recipient = z
  .strictObject({
    chatKey: z.string().describe("the customer's chat, as the customer system named it (or `phone:<phone>`)"),
    id: z.string().optional().describe("the customer's id; absent for a write-first chat known only by phone"),
    name: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
  })
  .describe('who the event is for');

const content = z.strictObject({
  type: z.enum(['text', 'picture', 'file', 'video', 'voice', 'audio', 'sticker', 'location', 'contact']),
  text: z.string().optional(),
  media: z.string().optional().describe('public URL of the file'),
  fileName: z.string().optional(),
  fileSize: z.number().int().optional(),
  mediaDuration: z.number().int().optional().describe('seconds'),
  location: z.strictObject({ lon: z.number(), lat: z.number() }).optional(),
  contact: z.strictObject({ name: z.string(), phone: z.string() }).optional(),
  thumbnail: z.string().optional().describe('preview image URL'),
  mediaGroupId: z.string().optional().describe('messages sent as one album share it'),
  buttons: z
    .array(z.array(z.strictObject({ text: z.string(), url: z.string().optional() })))
    .optional()
    .describe('rows of buttons'),
});

/** A manager message. */
export const httpOutboundMessageSchema = z.strictObject({
  direction,
  type: z.literal('message'),
  messageId: z.string().describe('the bridge id of the message; also the `webhook-id`'),
  chatKey: z.string().describe('the same as `recipient.chatKey`'),
  recipient,
  sender: z.strictObject({ id: z.string().describe("the manager's amojo id"), name: z.string().optional() }),
  message: content,
  replyTo: z
    .string()
    .optional()
    .describe(
      "the quoted message, as your system knows it: a customer message's `eventId`, else a manager `messageId`",
    ),
  forwarded: z
    .strictObject({
      text: z.string().describe('what the forwarded message said (its file name for a file)'),
      author: z.string().optional().describe('who wrote it'),
      timestamp: z.number().int().optional().describe('when it was written, Unix seconds'),
    })
    .optional()
    .describe('a message the manager forwarded with this one (amoCRM `forwards`)'),
  timestamp: z.number().int().describe('Unix seconds'),
});

/** A manager is typing. */
export const httpOutboundTypingSchema = z.strictObject({
  direction,
  type: z.literal('typing'),
  chatKey: z.string(),
  recipient,
  sender: z.strictObject({ id: z.string().describe("the manager's amojo id") }),
  expiresAt: z.number().int().describe('Unix seconds when the indication is over'),
});

/** A manager set or removed a reaction. */
export const httpOutboundReactionSchema = z.strictObject({
  direction,
  type: z.literal('reaction'),
  chatKey: z.string(),
  recipient,
  sender: z.strictObject({ id: z.string().describe("the manager's amojo id") }),
  messageId: z.string().describe('the bridge id of the message reacted to'),
  reaction: z.enum(['react', 'unreact']),
  emoji: z.string().optional().describe('absent on some unreact events'),
});
