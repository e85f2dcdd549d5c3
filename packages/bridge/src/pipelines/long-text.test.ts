import { describe, expect, it } from 'vitest';
import { splitLongText } from './long-text.js';

describe('splitLongText', () => {
  it('keeps a text within the limit whole', () => {
    expect(splitLongText('hello', 5)).toEqual(['hello']);
    expect(splitLongText('', 5)).toEqual(['']);
  });

  it('splits at a paragraph, then a line, then a space in the second half of a part', () => {
    expect(splitLongText('aaaa bbbb\n\ncccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitLongText('aaaa bbbb\ncccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitLongText('aaaa bbbb cccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
  });

  it('cuts a word longer than the limit, never inside a surrogate pair, and loses no character', () => {
    expect(splitLongText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    const emoji = `${'a'.repeat(9)}😀b`; // the emoji is 2 code units at positions 9 and 10
    const parts = splitLongText(emoji, 10);
    expect(parts).toEqual(['a'.repeat(9), '😀b']);
    const long = Array.from({ length: 500 }, (_, i) => `word${i}`).join(' ');
    const split = splitLongText(long, 100);
    expect(split.every((p) => p.length <= 100)).toBe(true);
    expect(split.join(' ')).toBe(long);
  });
});
