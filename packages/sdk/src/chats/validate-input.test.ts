import { describe, expect, it } from 'vitest';
import { AmojoInputError } from '../errors/amojo-error.js';
import { opt, optionalSourceExternalId, requireInt, requirePathSegment, requireUrl } from './validate-input.js';

describe('validate-input', () => {
  it('opt leaves undefined fields out and keeps key order', () => {
    expect(JSON.stringify({ a: 1, ...opt('b', undefined), ...opt('c', 0), d: 2 })).toBe('{"a":1,"c":0,"d":2}');
  });

  it('path segments allow only characters that need no percent-encoding', () => {
    expect(requirePathSegment('abc_DEF-1.2~', 'id')).toBe('abc_DEF-1.2~');
    for (const bad of ['a/b', 'a b', 'a?b', 'ä', ''])
      expect(() => requirePathSegment(bad, 'id')).toThrow(AmojoInputError);
  });

  it('integers must be safe integers in range; URLs must be absolute http(s)', () => {
    expect(() => requireInt(1.5, 'n')).toThrow(/integer/);
    expect(() => requireInt(-1, 'n')).toThrow(AmojoInputError);
    expect(requireUrl('https://x.y/z', 'u')).toBe('https://x.y/z');
    expect(() => requireUrl('javascript:alert(1)', 'u')).toThrow(/http/);
  });

  it('source external_id: 1-40 printable ASCII characters including space', () => {
    expect(optionalSourceExternalId('Sales line 1', 's')).toBe('Sales line 1');
    expect(() => optionalSourceExternalId('x'.repeat(41), 's')).toThrow(AmojoInputError);
    expect(() => optionalSourceExternalId('тест', 's')).toThrow(AmojoInputError);
  });
});
