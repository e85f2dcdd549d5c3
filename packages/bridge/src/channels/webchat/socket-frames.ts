import { z } from 'zod';
import { findNulByte } from '../../find-nul-byte.js';
import type { WebchatClientFrame } from './webchat-protocol.js';

/** Longest text of one visitor message, in characters; the widget's text box counts against the same number. */
export const WEBCHAT_MAX_TEXT_LENGTH = 10_000;

const token = z.string().min(1).max(1000);
const CLIENT_ID = /^[A-Za-z0-9_-]{8,100}$/;
const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.trim())
    .optional();

const frameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    profile: z.object({ name: optionalText(100), phone: optionalText(40), email: optionalText(200) }).default({}),
  }),
  z.object({ type: z.literal('hello'), token }),
  z.object({
    type: z.literal('send'),
    token,
    clientId: z.string().regex(CLIENT_ID),
    text: z
      .string()
      .max(WEBCHAT_MAX_TEXT_LENGTH, { error: `the text is longer than ${WEBCHAT_MAX_TEXT_LENGTH} characters` })
      .optional(),
    uploadId: z.number().int().positive().optional(),
    sentAt: z.number().int().positive().optional(),
    replyTo: z.string().min(1).max(200).optional(),
  }),
  z.object({
    type: z.literal('edit'),
    token,
    eventId: z.string().regex(CLIENT_ID),
    id: z.string().min(1).max(200),
    text: z
      .string()
      .max(WEBCHAT_MAX_TEXT_LENGTH, { error: `the text is longer than ${WEBCHAT_MAX_TEXT_LENGTH} characters` })
      .transform((s) => s.trim())
      .pipe(z.string().min(1, { error: 'the new text is empty' })),
  }),
  z.object({
    type: z.literal('react'),
    token,
    eventId: z.string().regex(CLIENT_ID),
    id: z.string().min(1).max(200),
    emoji: z.string().min(1).max(32).nullable(),
  }),
  z.object({ type: z.literal('typing'), token }),
  z.object({ type: z.literal('read'), token, ids: z.array(z.string().min(1).max(200)).min(1).max(200) }),
  z.object({ type: z.literal('earlier'), token, before: z.string().min(1).max(200) }),
  z.object({ type: z.literal('ping') }),
]);

/** Result of {@link parseClientFrame}. */
export type ParseClientFrameResult =
  | { readonly ok: true; readonly frame: WebchatClientFrame }
  | {
      readonly ok: false;
      readonly message: string;
      /** The refused `send` frame's message, when its client id could be read: the widget marks that one failed. */
      readonly clientId?: string;
    };

/** Parses one text frame from a widget; the message names what was wrong. */
export function parseClientFrame(data: string): ParseClientFrameResult {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, message: 'the frame is not JSON' };
  }
  // PostgreSQL refuses NUL in text, SQLite stores it: refused here so both engines answer the same.
  const nulAt = findNulByte(undefined, json);
  if (nulAt) return { ok: false, message: `NUL characters are not accepted (found at ${nulAt})` };
  const parsed = frameSchema.safeParse(json);
  if (parsed.success) return { ok: true, frame: parsed.data as WebchatClientFrame };
  const issue = parsed.error.issues[0];
  const message = `${issue?.path.join('.') || '(frame)'}: ${issue?.message ?? 'invalid'}`;
  const clientId = (json as { type?: unknown; clientId?: unknown } | null)?.clientId;
  const isSend = (json as { type?: unknown } | null)?.type === 'send';
  return isSend && typeof clientId === 'string' && CLIENT_ID.test(clientId)
    ? { ok: false, message, clientId }
    : { ok: false, message };
}

const PHONE = /^\+?[0-9][0-9 ()-]{4,30}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks a pre-chat profile against the instance's form: required fields present, phone and email well formed. */
export function checkProfile(
  profile: {
    readonly name?: string | undefined;
    readonly phone?: string | undefined;
    readonly email?: string | undefined;
  },
  form: {
    readonly name: { readonly ask: boolean; readonly required: boolean };
    readonly phone: { readonly ask: boolean; readonly required: boolean };
    readonly email: { readonly ask: boolean; readonly required: boolean };
  },
): { ok: true; profile: { name?: string; phone?: string; email?: string } } | { ok: false; message: string } {
  const result: { name?: string; phone?: string; email?: string } = {};
  for (const key of ['name', 'phone', 'email'] as const) {
    const value = profile[key]?.trim();
    if (!form[key].ask || !value) {
      if (form[key].required) return { ok: false, message: `${key} is required` };
      continue;
    }
    if (key === 'phone' && !PHONE.test(value)) return { ok: false, message: 'phone must be a phone number' };
    if (key === 'email' && !EMAIL.test(value)) return { ok: false, message: 'email must be an e-mail address' };
    result[key] = value;
  }
  return { ok: true, profile: result };
}
