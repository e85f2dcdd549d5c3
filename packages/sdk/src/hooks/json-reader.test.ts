import { describe, expect, it } from 'vitest';
import { AmojoInputError } from '../errors/amojo-error.js';
import { JsonReader } from './json-reader.js';

function pathOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AmojoInputError);
    return (error as AmojoInputError).path;
  }
  throw new Error('expected an AmojoInputError');
}

describe('JsonReader', () => {
  const root = new JsonReader({ a: { b: 'x', n: null, e: '', list: [{ k: 1 }, { k: 'two' }] } }, '');

  it('builds JSON paths for nested objects and array items', () => {
    expect(root.obj('a').at('b')).toBe('a.b');
    expect(pathOf(() => root.obj('a').arr('list', (item, path) => new JsonReader(item, path).num('k')))).toBe(
      'a.list[1].k',
    );
  });

  it('treats null and undefined as absent for optional fields, but not a wrong type', () => {
    const a = root.obj('a');
    expect(a.optStr('n')).toBeUndefined();
    expect(a.optStr('missing')).toBeUndefined();
    expect(a.optStr('e')).toBe('');
    expect(pathOf(() => a.optNum('b'))).toBe('a.b');
  });

  it('requires non-empty strings unless told otherwise', () => {
    const a = root.obj('a');
    expect(pathOf(() => a.str('e'))).toBe('a.e');
    expect(a.str('e', true)).toBe('');
    expect(pathOf(() => a.str('n'))).toBe('a.n');
  });

  it('refuses a non-object root', () => {
    expect(() => new JsonReader([1], '')).toThrow(AmojoInputError);
    expect(() => new JsonReader('x', 'message')).toThrow(/message must be a JSON object/);
  });
});
