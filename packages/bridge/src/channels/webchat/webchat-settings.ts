import { z } from 'zod';
import { originOf } from './check-origin.js';

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
  /** Colour of the header, launcher and the visitor's bubbles (`#rrggbb`, dark enough for white text); null = default. */
  readonly brandColor: string | null;
  /** Shown in an empty chat, in place of the default invitation. */
  readonly greeting: string | null;
  /** Which bottom corner the launcher sits in. */
  readonly position: 'right' | 'left';
  /** The title per language (`{ "ru": "..." }`), over `title` for visitors of that language. */
  readonly titles: Readonly<Record<string, string>>;
  /** A consent checkbox on the pre-chat form: its text and an optional link (the privacy policy). */
  readonly consent: { readonly text: string; readonly url: string | null } | null;
  /** The emoji a visitor may react with: the set the amoCRM channel declared at registration. */
  readonly reactionEmoji: readonly string[];
}

/** Contrast of white text on `#rrggbb` (WCAG 2 relative luminance). */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
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

/** The picker's emoji unless an instance sets `reactionEmoji`: the set the sandbox's channel declares by default. */
export const WEBCHAT_DEFAULT_REACTION_EMOJI: readonly string[] = ['👍', '❤️', '😂', '😮', '😢', '🙏', '🔥', '😍'];

/** Hard ceiling of one upload whatever an instance says (the request body limit of the upload route). */
export const WEBCHAT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const field = (ask: boolean, required: boolean) =>
  z
    .object({ ask: z.boolean().default(ask), required: z.boolean().default(required) })
    .default({ ask, required })
    .transform((f) => ({ ask: f.ask || f.required, required: f.required }));

/** `*`, or a website origin (`scheme://host[:port]`, a trailing `/` allowed): what a browser sends as `Origin`. */
const origin = z
  .string()
  .min(1)
  .max(300)
  .refine(
    (value) => value === '*' || originOf(value)?.toLowerCase() === value.trim().toLowerCase().replace(/\/+$/, ''),
    {
      message: 'expected "*" or a website origin such as https://shop.example (scheme, host and port; no path)',
    },
  );
const originList = z.array(origin).max(100);

/**
 * Schema of webchat instance settings as a person writes them (CLI `--set`, admin API), the plugin's `settings`.
 * `webchatSettingsOf` turns its output into {@link WebchatSettings}.
 */
export const webchatSettingsSchema = z.object({
  origins: originList
    .default([])
    .describe(
      'websites allowed to embed the chat, e.g. https://shop.example ("*" allows any); the bridge itself always is',
    ),
  allowedOrigins: originList
    .optional()
    .meta({ deprecated: true, description: 'older name of origins (instances made by addWebchatChannel); merged' }),
  title: z.string().min(1).max(100).nullable().default(null).describe('title shown in the widget header'),
  form: z
    .object({ name: field(true, true), phone: field(true, false), email: field(false, false) })
    .default({
      name: { ask: true, required: true },
      phone: { ask: true, required: false },
      email: { ask: false, required: false },
    })
    .describe('pre-chat form: which of name, phone and email are asked (ask) and must be filled (required)'),
  uploads: z
    .object({
      maxBytes: z
        .number()
        .int()
        .positive()
        .max(WEBCHAT_MAX_UPLOAD_BYTES)
        .default(10 * 1024 * 1024)
        .describe('largest file a visitor may send, bytes'),
      mimeTypes: z
        .array(z.string().regex(/^[a-z0-9.+-]+\/[a-z0-9.+*-]+$/))
        .default([...WEBCHAT_DEFAULT_MIME_TYPES])
        .describe('MIME types accepted; image/* style wildcards allowed'),
    })
    .default({ maxBytes: 10 * 1024 * 1024, mimeTypes: [...WEBCHAT_DEFAULT_MIME_TYPES] })
    .describe('upload limits'),
  rateLimit: z
    .object({
      messagesPerMinute: z.number().int().positive().max(10_000).default(30),
      uploadsPerMinute: z.number().int().positive().max(10_000).default(10),
    })
    .default({ messagesPerMinute: 30, uploadsPerMinute: 10 })
    .describe('per-visitor limits, per minute'),
  tokenTtlDays: z
    .number()
    .positive()
    .max(3650)
    .default(180)
    .describe('how long a visitor keeps their chat without a visit, days (every visit renews it)'),
  brandColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour as #rrggbb')
    .refine((hex) => contrastWithWhite(hex) >= 4.5, {
      error: 'too light: white text on it must have a contrast of at least 4.5:1 (WCAG AA)',
    })
    .nullable()
    .default(null)
    .describe('colour of the header, launcher and visitor bubbles, #rrggbb, dark enough for white text (4.5:1)'),
  greeting: z.string().min(1).max(500).nullable().default(null).describe('shown in an empty chat'),
  position: z.enum(['right', 'left']).default('right').describe('bottom corner of the launcher'),
  titles: z
    .record(z.string().regex(/^[a-z]{2}$/, 'expected a two-letter language code'), z.string().min(1).max(100))
    .default({})
    .describe('the title per language, e.g. {"ru": "..."}, over title'),
  consent: z
    .object({
      text: z.string().min(1).max(300).describe('the checkbox label, e.g. "I agree to the processing of my data"'),
      url: z
        .url({ protocol: /^https?$/ })
        .max(2000)
        .nullable()
        .default(null)
        .describe('link shown beside it (the privacy policy)'),
    })
    .nullable()
    .default(null)
    .describe('a consent checkbox the visitor must tick on the pre-chat form'),
  reactionEmoji: z
    .array(z.string().min(1).max(32))
    .min(1)
    .max(100)
    .default([...WEBCHAT_DEFAULT_REACTION_EMOJI])
    .describe(
      'the emoji of the reaction picker: the set the amoCRM channel declared at registration (amoCRM refuses others)',
    ),
});

/** Parsed webchat settings as stored (both origin lists apart); see {@link webchatSettingsOf}. */
export type WebchatPluginSettings = z.output<typeof webchatSettingsSchema>;

/** Result of {@link parseWebchatSettings}. */
export type ParseWebchatSettingsResult =
  | { readonly ok: true; readonly settings: WebchatSettings }
  | { readonly ok: false; readonly message: string };

/** Validates settings as an operator would write them; the message names the bad field. */
export function parseWebchatSettings(input: unknown): ParseWebchatSettingsResult {
  const parsed = webchatSettingsSchema.safeParse(input ?? {});
  if (parsed.success) return { ok: true, settings: webchatSettingsOf(parsed.data) };
  const issue = parsed.error.issues[0];
  return { ok: false, message: `${issue?.path.join('.') || '(settings)'}: ${issue?.message ?? 'invalid'}` };
}

/** The settings the webchat routes work with: `origins` and the older `allowedOrigins` as one list. */
export function webchatSettingsOf(settings: WebchatPluginSettings): WebchatSettings {
  const { origins, allowedOrigins, ...rest } = settings;
  return { ...rest, allowedOrigins: [...new Set([...origins, ...(allowedOrigins ?? [])])] };
}

/** Whether a MIME type is in a list that may hold wildcards such as `image/*`. */
export function mimeTypeAllowed(list: readonly string[], mimeType: string): boolean {
  const type = mimeType.toLowerCase();
  return list.some((allowed) => allowed === type || (allowed.endsWith('/*') && type.startsWith(allowed.slice(0, -1))));
}
