/**
 * Where the first NUL character is in an input: a raw 0x00 byte, or a `\u0000` in any decoded string or key.
 * PostgreSQL refuses NUL in `text` and `jsonb` while SQLite stores it, so every input is refused with the same 400
 * before either engine sees it. Returns a dotted path (`message.text`, `(body)` for the raw bytes), or undefined.
 */
export function findNulByte(raw: Uint8Array | undefined, parsed?: unknown): string | undefined {
  if (raw?.includes(0)) return '(body)';
  return parsed === undefined ? undefined : findInValue(parsed, '');
}

// Iterative (an explicit stack, depth-first in key order): a recursive walk overflowed the call stack on a frame of
// a few thousand nested arrays, which threw outside any handler and took the whole process down (found by
// bench/fuzz-webchat.mjs). JSON.parse accepts any depth that fits the body limits, so this must too.
function findInValue(root: unknown, rootPath: string): string | undefined {
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path || '(value)';
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      const here = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) stack.push(['\u0000', here]);
      else stack.push([item, here]);
    }
  }
  return undefined;
}

/** The 400 body for a NUL byte at `path`. */
export function nulByteRefusal(path: string): { readonly error: 'nul_byte'; readonly message: string } {
  return { error: 'nul_byte', message: `NUL characters are not accepted (found at ${path})` };
}
