import { z } from 'zod';

// Value schemas the settings are built from (`config-schema.ts`).

/** An integer in [min, max], from a JSON number or a decimal string (the environment). */
export const integer = (min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\s*-?\d+\s*$/)
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max));

/** An http(s) URL, trailing slashes removed. */
export const httpUrl = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/ }))
  .transform((url) => url.replace(/\/+$/, ''));

/** A string with something in it after trimming. */
export const nonEmpty = z.string().trim().min(1);

// UUID-shaped (8-4-4-4-12 hex) without insisting on an RFC version: amoCRM ids are not all v4.
export const uuidLike = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/** `sqlite:<path>` or `postgres://...`. */
export const databaseUrl = z
  .string()
  .trim()
  .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/);

// 32 bytes, as 64 hex characters or as base64 (44 characters with padding).
export const encryptionKey = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const bytes = /^[0-9a-f]{64}$/i.test(value)
      ? Buffer.from(value, 'hex')
      : /^[A-Za-z0-9+/]{43}=?$/.test(value)
        ? Buffer.from(value, 'base64')
        : undefined;
    if (bytes?.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'not a 32-byte key' });
      return z.NEVER;
    }
    return new Uint8Array(bytes);
  });

/**
 * A setting that may be unset. Unlike `.optional()`, the key stays in the output (its value undefined), so the
 * configuration's types say `botId: string | undefined` and every setting is present.
 */
export const optional = <T extends z.ZodType>(schema: T) => schema.or(z.undefined());
