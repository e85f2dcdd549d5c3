import { z } from 'zod';

const text = (max: number) => z.string().max(max);
const id = z.string().min(1).max(200);
// Checked before parsing (register-http-channel-routes.ts: the bridge's own "outbound" is a 401); listed for the docs.
const direction = z
  .enum(['inbound', 'incoming'])
  .optional()
  .describe('may be left out; the bridge\'s own "outbound" is refused (401)');

const messageContent = z
  .object({
    type: z.enum(['text', 'picture', 'file', 'video', 'voice', 'audio', 'sticker', 'location', 'contact']),
    text: text(10_000).optional().describe('required when `type` is `text`'),
    media: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional()
      .describe('public URL of the file; required for picture, file, video, voice, audio, sticker'),
    fileName: text(255).optional().describe('required for picture, file, video'),
    fileSize: z.number().int().nonnegative().optional().describe('bytes; required for picture, file, video'),
    mediaDuration: z.number().int().nonnegative().optional().describe('seconds'),
    location: z
      .object({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) })
      .optional()
      .describe('required when `type` is `location`'),
    contact: z
      .object({ name: text(255).min(1), phone: text(50).min(1) })
      .optional()
      .describe('required when `type` is `contact`'),
  })
  .superRefine((m, ctx) => {
    // The same required fields amojo checks (spec 3.4.4), so a bad event is refused here with a 400 the customer
    // system can act on, instead of being accepted and dead-lettered later.
    const need = (field: keyof typeof m, why: string) => {
      if (m[field] === undefined || m[field] === '') ctx.addIssue({ code: 'custom', path: [field], message: why });
    };
    if (m.type === 'text') need('text', 'required for a text message');
    if (['picture', 'file', 'video', 'voice', 'audio', 'sticker'].includes(m.type))
      need('media', `required for ${m.type}`);
    if (['picture', 'file', 'video'].includes(m.type)) {
      need('fileName', `required for ${m.type}`);
      need('fileSize', `required for ${m.type}`);
    }
    if (m.type === 'location') need('location', 'required for a location message');
    if (m.type === 'contact') need('contact', 'required for a contact message');
  });

const person = z.object({
  id,
  name: text(255).min(1),
  phone: text(50).optional(),
  email: text(255).optional(),
  avatar: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
});

/**
 * A message posted by a customer system: the customer's (`direction` absent or `incoming`, from `sender`), or one
 * the business sent outside amoCRM (`outgoing`, to `recipient`, from the amoCRM user `senderUserId` = their amojo id,
 * or from the channel bot), which the bridge mirrors into the amoCRM chat.
 */
export const httpMessageEventSchema = z
  .object({
    type: z.literal('message').optional().describe('may be left out when `message` is present'),
    /** `inbound` (or `incoming`, or absent): the customer's; `outgoing`: the business's, mirrored. */
    direction: z
      .enum(['inbound', 'incoming', 'outgoing'])
      .optional()
      .describe("absent, `inbound` or `incoming`: the customer's; `outgoing`: sent by the business, mirrored"),
    eventId: id.describe('the same id twice is one message'),
    chatKey: id,
    sender: person.optional(),
    recipient: person.optional(),
    senderUserId: z.string().min(1).max(64).optional(),
    senderName: text(255).min(1).optional(),
    message: messageContent,
    /** Unix seconds (or milliseconds, told apart by size). */
    timestamp: z.number().int().positive().describe('when it was sent: Unix seconds (or milliseconds)'),
    /**
     * The message this one quotes: a customer message's `eventId`, or a manager message's id as the bridge posted it
     * (`messageId`, or the `id` your system answered). Unknown ids are not an error: the message goes as plain text.
     */
    replyTo: id
      .optional()
      .describe('the quoted message: a customer `eventId` or a manager `messageId`; unknown ids: plain text'),
    forwarded: z
      .strictObject({
        text: text(10_000).min(1).describe('what the forwarded message said'),
        author: text(255).min(1).optional().describe('who wrote it'),
        timestamp: z.number().int().positive().optional().describe('when it was written: Unix seconds (or ms)'),
        messageId: id
          .optional()
          .describe('the original, if it went through this bridge: an `eventId` or a manager `messageId`'),
      })
      .optional()
      .describe(
        'a message the customer forwarded with this one: amoCRM links a known `messageId`, else shows the text',
      ),
  })
  .superRefine((e, ctx) => {
    if (e.direction === 'outgoing') {
      if (!e.recipient)
        ctx.addIssue({
          code: 'custom',
          path: ['recipient'],
          message: 'required for an outgoing message (the customer it went to)',
        });
    } else {
      if (!e.sender) ctx.addIssue({ code: 'custom', path: ['sender'], message: 'required' });
      if (e.senderUserId !== undefined || e.recipient !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [e.senderUserId !== undefined ? 'senderUserId' : 'recipient'],
          message: 'only for "direction": "outgoing"',
        });
      }
    }
  });

/** The customer edited one of their own messages (`messageId`: that message's `eventId`). */
export const httpEditEventSchema = z.object({
  type: z.literal('edit'),
  eventId: id,
  chatKey: id,
  messageId: id,
  text: text(10_000).min(1),
  /** Unix seconds (or milliseconds); when omitted, the time the bridge received it. */
  timestamp: z.number().int().positive().optional(),
});

/** The customer set (`react`) or removed (`unreact`) a reaction on a message of their chat. */
export const httpReactionEventSchema = z
  .object({
    type: z.literal('reaction'),
    eventId: id,
    chatKey: id,
    sender: z.object({ id }),
    /** A customer message's `eventId`, or a manager message's id as the bridge posted it (or as you answered). */
    messageId: id,
    reaction: z.enum(['react', 'unreact']),
    emoji: z.string().min(1).max(32).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.reaction === 'react' && !r.emoji) {
      ctx.addIssue({ code: 'custom', path: ['emoji'], message: 'required for reaction "react"' });
    }
  });

/** The customer read a manager message (`messageId` as the bridge sent it). */
export const httpReadEventSchema = z.object({
  direction,
  type: z.literal('read').optional().describe('may be left out when only `messageId` is present'),
  messageId: id.describe('the id the bridge sent the manager message with'),
});

/** The customer is typing. */
export const httpTypingEventSchema = z.object({
  direction,
  type: z.literal('typing'),
  chatKey: id,
  sender: z.object({ id }),
});

/** A parsed customer event. */
export type HttpChannelEvent =
  | ({ readonly kind: 'message' } & z.infer<typeof httpMessageEventSchema>)
  | ({ readonly kind: 'read' } & z.infer<typeof httpReadEventSchema>)
  | ({ readonly kind: 'typing' } & z.infer<typeof httpTypingEventSchema>)
  | ({ readonly kind: 'edit' } & z.infer<typeof httpEditEventSchema>)
  | ({ readonly kind: 'reaction' } & z.infer<typeof httpReactionEventSchema>);

/** Result of {@link parseHttpChannelEvent}: the event, or a message naming the bad field. */
export type ParseHttpEventResult =
  | { readonly ok: true; readonly event: HttpChannelEvent }
  | { readonly ok: false; readonly message: string };

/**
 * Validates a customer event. `type` may be omitted: a body with `message` is a message, a body with only
 * `messageId` is a read receipt.
 */
export function parseHttpChannelEvent(json: unknown): ParseHttpEventResult {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, message: 'the body must be a JSON object' };
  }
  const body = json as Record<string, unknown>;
  const type = body.type ?? ('message' in body ? 'message' : 'messageId' in body ? 'read' : undefined);
  if (type === 'message') return wrap('message', httpMessageEventSchema.safeParse(body));
  if (type === 'read') return wrap('read', httpReadEventSchema.safeParse(body));
  if (type === 'typing') return wrap('typing', httpTypingEventSchema.safeParse(body));
  if (type === 'edit') return wrap('edit', httpEditEventSchema.safeParse(body));
  if (type === 'reaction') return wrap('reaction', httpReactionEventSchema.safeParse(body));
  return { ok: false, message: 'type: expected "message", "read", "typing", "edit" or "reaction"' };
}

function wrap<K extends HttpChannelEvent['kind'], T>(
  kind: K,
  result: { success: true; data: T } | { success: false; error: z.ZodError },
): ParseHttpEventResult {
  if (result.success) return { ok: true, event: { kind, ...result.data } as unknown as HttpChannelEvent };
  const issue = result.error.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : '(body)';
  return { ok: false, message: `${path}: ${issue?.message ?? 'invalid'}` };
}
