import type { Logger } from '../http/client-options.js';

/**
 * Replaces every occurrence of the given secrets, and anything following `Bearer `, by `[redacted]`. Used on error
 * messages and log lines built from server answers, which could echo a token, a code or the client secret back.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text.replace(/Bearer\s+[^\s"',;]+/gi, 'Bearer [redacted]');
  for (const secret of secrets) {
    // Short values would redact ordinary words; tokens and secrets are long.
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  return out;
}

function redactValue(value: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets));
  if (value && typeof value === 'object' && !(value instanceof Error)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, secrets)]));
  }
  if (value instanceof Error) return redact(value.message, secrets);
  return value;
}

/** Wraps a pino-compatible logger so that no line carries one of `secrets()` (the shared HTTP layer logs messages). */
export function redactingLogger(log: Partial<Logger>, secrets: () => readonly (string | undefined)[]): Partial<Logger> {
  const wrapped: Partial<Logger> = {};
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    const write = log[level];
    if (!write) continue;
    wrapped[level] = (obj: object, msg?: string) => {
      const list = secrets();
      const clean = redactValue(obj, list) as object;
      if (msg === undefined) write.call(log, clean);
      else write.call(log, clean, redact(msg, list));
    };
  }
  return wrapped;
}
