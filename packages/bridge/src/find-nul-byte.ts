/**
 * Where the first NUL character is in an input: a raw 0x00 byte, or a `\u0000` in any decoded string or key.
 * PostgreSQL refuses NUL in `text` and `jsonb` while SQLite stores it, so every input is refused with the same 400
 * before either engine sees it. Returns a dotted path (`message.text`, `(body)` for the raw bytes), or undefined.
 */
export function findNulByte(raw: Uint8Array | undefined, parsed?: unknown): string | undefined {
  if (raw?.includes(0)) return '(body)';
  return parsed === undefined ? undefined : findInValue(parsed, '');
}

function findInValue(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(value)' : undefined;
  if (!value || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return here;
    const found = findInValue(item, here);
    if (found) return found;
  }
  return undefined;
}

/** The 400 body for a NUL byte at `path`. */
export function nulByteRefusal(path: string): { readonly error: 'nul_byte'; readonly message: string } {
  return { error: 'nul_byte', message: `NUL characters are not accepted (found at ${path})` };
}
