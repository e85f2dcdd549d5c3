import { describe, expect, it } from 'vitest';
import { findNulByte } from './find-nul-byte.js';

describe('findNulByte', () => {
  it('names the first NUL in key order: raw bytes, strings, keys, nested paths', () => {
    expect(findNulByte(new Uint8Array([1, 0, 2]))).toBe('(body)');
    expect(findNulByte(undefined, 'a\u0000')).toBe('(value)');
    expect(findNulByte(undefined, { a: 'ok', b: { c: ['x', 'y\u0000'] }, d: '\u0000' })).toBe('b.c.1');
    expect(findNulByte(undefined, { ok: 1, 'k\u0000': 'v', z: '\u0000' })).toBe('k\u0000');
    expect(findNulByte(undefined, { a: [1, null, true, 'clean'] })).toBeUndefined();
  });

  it('walks 50,000 nested arrays without overflowing the stack (a recursive walk threw RangeError)', () => {
    const depth = 50_000;
    const deep = JSON.parse(`${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}`) as unknown;
    expect(findNulByte(undefined, deep)).toBe(`${'0.'.repeat(depth - 1)}0`);
    const clean = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;
    expect(findNulByte(undefined, clean)).toBeUndefined();
  });
});
