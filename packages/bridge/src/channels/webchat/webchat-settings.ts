import { z } from 'zod';
import type { ChannelInstanceRecord } from '../channel-adapter.js';

/** One pre-chat form field: whether the widget asks for it and whether it must be filled. */
export interface WebchatFormField {
  readonly ask: boolean;
  readonly required: boolean;
}

/** Settings of one webchat instance (`channel_instances.settings`), every field defaulted. */
export interface WebchatSettings {
  /** Origins (`https://shop.example`) allowed to open the socket and upload; `*` allows any. */
  readonly allowedOrigins: readonly string[];
  /** Title shown in the widget header. */
  readonly title: string | null;
  /** Pre-chat form: which of name, phone and email are asked and required. */
  readonly form: {
    readonly name: WebchatFormField;
    readonly phone: WebchatFormField;
    readonly email: WebchatFormField;
  };
  /** Upload limits: largest file in bytes and the MIME types accepted. */
  readonly uploads: { readonly maxBytes: number; readonly mimeTypes: readonly string[] };
  /** Per-visitor limits: messages (text and files) and uploads per minute. */
  readonly rateLimit: { readonly messagesPerMinute: number; readonly uploadsPerMinute: number };
  /** How long a visitor token lives without a visit, in days; every visit renews it. */
  readonly tokenTtlDays: number;
}

/** Upload MIME types accepted when an instance names none: pictures, PDF, plain text and office documents. */
export const WEBCHAT_DEFAULT_MIME_TYPES: readonly string[] = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

/** Hard ceiling of one upload whatever an instance says (the request body limit of the upload route). */
export const WEBCHAT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const field = (ask: boolean, required: boolean) =>
  z
    .object({ ask: z.boolean().default(ask), required: z.boolean().default(required) })
    .default({ ask, required })
    .transform((f) => ({ ask: f.ask || f.required, required: f.required }));

/** Schema of {@link WebchatSettings}; unknown keys are ignored so other tools may keep notes in the settings. */
export const webchatSettingsSchema = z.object({
  allowedOrigins: z.array(z.string().min(1).max(300)).max(100).default([]),
  title: z.string().min(1).max(100).nullable().default(null),
  form: z.object({ name: field(true, true), phone: field(true, false), email: field(false, false) }).default({
    name: { ask: true, required: true },
    phone: { ask: true, required: false },
    email: { ask: false, required: false },
  }),
  uploads: z
    .object({
      maxBytes: z
        .number()
        .int()
        .positive()
        .max(WEBCHAT_MAX_UPLOAD_BYTES)
        .default(10 * 1024 * 1024),
      mimeTypes: z.array(z.string().regex(/^[a-z0-9.+-]+\/[a-z0-9.+*-]+$/)).default([...WEBCHAT_DEFAULT_MIME_TYPES]),
    })
    .default({ maxBytes: 10 * 1024 * 1024, mimeTypes: [...WEBCHAT_DEFAULT_MIME_TYPES] }),
  rateLimit: z
    .object({
      messagesPerMinute: z.number().int().positive().max(10_000).default(30),
      uploadsPerMinute: z.number().int().positive().max(10_000).default(10),
    })
    .default({ messagesPerMinute: 30, uploadsPerMinute: 10 }),
  tokenTtlDays: z.number().positive().max(3650).default(180),
});

/** Result of {@link parseWebchatSettings}. */
export type ParseWebchatSettingsResult =
  | { readonly ok: true; readonly settings: WebchatSettings }
  | { readonly ok: false; readonly message: string };

/** Validates settings as an operator would write them; the message names the bad field. */
export function parseWebchatSettings(input: unknown): ParseWebchatSettingsResult {
  const parsed = webchatSettingsSchema.safeParse(input ?? {});
  if (parsed.success) return { ok: true, settings: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, message: `${issue?.path.join('.') || '(settings)'}: ${issue?.message ?? 'invalid'}` };
}

/** The settings of an instance, defaults filled in; invalid stored settings give the (closed) defaults. */
export function webchatSettingsOf(instance: ChannelInstanceRecord): WebchatSettings {
  const parsed = parseWebchatSettings(instance.settings);
  // Settings are validated when written (addWebchatChannel); a hand-edited bad row must not open the chat to all
  // origins, so it falls back to the defaults, which allow no foreign origin.
  return parsed.ok ? parsed.settings : webchatSettingsSchema.parse({});
}

/** Whether a MIME type is in a list that may hold wildcards such as `image/*`. */
export function mimeTypeAllowed(list: readonly string[], mimeType: string): boolean {
  const type = mimeType.toLowerCase();
  return list.some((allowed) => allowed === type || (allowed.endsWith('/*') && type.startsWith(allowed.slice(0, -1))));
}
