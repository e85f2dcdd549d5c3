import { describe, expect, it } from 'vitest';
import { CHANNEL_MESSAGE_TYPES, type ChannelMessageType } from '../channels/channel-adapter.js';
import { contentFallback, forwardedIntoText } from './content-fallbacks.js';

const ALL: ChannelMessageType[] = [...CHANNEL_MESSAGE_TYPES];
const carrying = (...types: ChannelMessageType[]) =>
  Object.fromEntries(ALL.map((t) => [t, types.includes(t)])) as Record<ChannelMessageType, boolean>;

describe('content fallbacks table', () => {
  it('location -> an OpenStreetMap link, contact -> name and phone, as text', () => {
    expect(
      contentFallback({ type: 'location', location: { lat: 55.75, lon: 37.62 } }, carrying('text'))?.content,
    ).toEqual({
      type: 'text',
      text: 'https://www.openstreetmap.org/?mlat=55.75&mlon=37.62#map=16/55.75/37.62',
    });
    expect(
      contentFallback(
        { type: 'contact', text: 'call her', contact: { name: 'Ann', phone: '+15550100' } },
        carrying('text'),
      )?.content,
    ).toEqual({ type: 'text', text: 'call her\nAnn: +15550100' });
  });

  it('sticker -> picture first, text link when pictures are not carried either', () => {
    const sticker = { type: 'sticker', media: 'https://x.example/s.webp' } as const;
    expect(contentFallback(sticker, carrying('text', 'picture'))?.content.type).toBe('picture');
    expect(contentFallback(sticker, carrying('text'))?.content).toEqual({
      type: 'text',
      text: 'sticker: https://x.example/s.webp',
    });
  });

  it('no rule when the channel lacks the substitute too, or the message lacks what the rule needs', () => {
    expect(contentFallback({ type: 'video', media: 'https://x.example/v.mp4' }, carrying('picture'))).toBeUndefined();
    expect(contentFallback({ type: 'location' }, carrying('text'))).toBeUndefined();
  });
});

describe('forwardedIntoText (a channel without forwards)', () => {
  it("puts the forward before the manager's text, or makes it the text", () => {
    expect(forwardedIntoText({ type: 'text', text: 'FYI', forwarded: { text: 'order 4411', author: 'Anna' } })).toEqual(
      { type: 'text', text: 'Forwarded from Anna:\norder 4411\n\nFYI' },
    );
    expect(forwardedIntoText({ type: 'text', text: '', forwarded: { text: 'order 4411' } })).toEqual({
      type: 'text',
      text: 'Forwarded message:\norder 4411',
    });
    expect(forwardedIntoText({ type: 'text', text: 'plain' })).toEqual({ type: 'text', text: 'plain' });
  });
});
