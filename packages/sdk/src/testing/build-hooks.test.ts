import { describe, expect, it } from 'vitest';
import { buildAlbumHooks, buildMessageHook, mergeHook } from './build-hooks.js';

describe('mergeHook', () => {
  it('merges objects key by key, replaces arrays, removes keys set to undefined, and never mutates the base', () => {
    const base = { a: { b: 1, c: [1, 2], d: 'x' }, e: true };
    const merged = mergeHook(base, { a: { c: [3], d: undefined } });
    expect(merged).toEqual({ a: { b: 1, c: [3] }, e: true });
    expect(base).toEqual({ a: { b: 1, c: [1, 2], d: 'x' }, e: true });
  });

  it('sets null where the type allows it (markup)', () => {
    const hook = buildMessageHook({ message: { message: { markup: null } } });
    expect(hook.message.message.markup).toBeNull();
  });
});

describe('buildMessageHook / buildAlbumHooks', () => {
  it('gives every hook a fresh amojo message id', () => {
    expect(buildMessageHook().message.message.id).not.toBe(buildMessageHook().message.message.id);
  });

  it('an album shares one media_group_id, captions the first item and applies overrides to each', () => {
    const hooks = buildAlbumHooks(
      [
        { type: 'picture', media: 'https://x/1.jpg' },
        { type: 'video', media: 'https://x/2.mp4', fileName: '2.mp4', fileSize: 9 },
      ],
      { account_id: 'acc' },
      'Look',
    );
    expect(hooks.map((h) => h.message.message.media_group_id)).toEqual([
      hooks[0]!.message.message.media_group_id,
      hooks[0]!.message.message.media_group_id,
    ]);
    expect(hooks.map((h) => h.message.message.text)).toEqual(['Look', '']);
    expect(hooks[1]!.message.message).toMatchObject({ type: 'video', file_name: '2.mp4', file_size: 9 });
    expect(hooks.every((h) => h.account_id === 'acc')).toBe(true);
  });
});
