import { describe, expect, it } from 'vitest';
import { originAllowed } from './check-origin.js';
import { createRateLimiter } from './rate-limiter.js';
import { checkProfile, parseClientFrame } from './socket-frames.js';
import { contrastWithWhite, mimeTypeAllowed, parseWebchatSettings } from './webchat-settings.js';

describe('webchat settings, origins, frames and limits', () => {
  it('fills defaults, makes a required field asked, and names a bad field', () => {
    const parsed = parseWebchatSettings({ form: { email: { required: true } } });
    expect(parsed.ok && parsed.settings.form.email).toEqual({ ask: true, required: true });
    expect(parsed.ok && parsed.settings.allowedOrigins).toEqual([]);
    expect(parseWebchatSettings({ uploads: { maxBytes: -1 } })).toMatchObject({
      ok: false,
      message: /uploads.maxBytes/,
    });
    expect(mimeTypeAllowed(['image/*'], 'image/png')).toBe(true);
    expect(mimeTypeAllowed(['image/png'], 'text/html')).toBe(false);
  });

  it('takes "*" or website origins only, naming the bad entry', () => {
    for (const good of ['*', 'https://shop.example', 'https://shop.example/', 'http://127.0.0.1:8080']) {
      expect(parseWebchatSettings({ origins: [good] }).ok).toBe(true);
    }
    for (const bad of ['not-a-url', 'shop.example', 'https://shop.example/page', 'ftp://shop.example']) {
      expect(parseWebchatSettings({ origins: ['https://ok.example', bad] })).toMatchObject({
        ok: false,
        message: /origins\.1: expected "\*" or a website origin/,
      });
    }
  });

  it('takes a brand colour only when white text on it meets WCAG AA, and names the field otherwise', () => {
    const parsed = parseWebchatSettings({
      brandColor: '#7a1fa2',
      greeting: 'Hi!',
      position: 'left',
      titles: { ru: 'Цветы' },
      consent: { text: 'I agree', url: 'https://shop.example/privacy' },
    });
    expect(parsed.ok && parsed.settings).toMatchObject({
      brandColor: '#7a1fa2',
      greeting: 'Hi!',
      position: 'left',
      titles: { ru: 'Цветы' },
      consent: { text: 'I agree', url: 'https://shop.example/privacy' },
    });
    expect(parseWebchatSettings({ brandColor: '#ffcc00' })).toMatchObject({
      ok: false,
      message: /^brandColor: too light: white text on it must have a contrast of at least 4.5:1/,
    });
    expect(parseWebchatSettings({ brandColor: 'blue' })).toMatchObject({ ok: false, message: /^brandColor: expected/ });
    expect(contrastWithWhite('#1f66d1')).toBeGreaterThan(4.5);
    expect(contrastWithWhite('#2e7ded')).toBeLessThan(4.5);
    const defaults = parseWebchatSettings({});
    expect(defaults.ok && defaults.settings).toMatchObject({ brandColor: null, position: 'right', consent: null });
  });

  it('allows listed origins, the bridge itself and *, and refuses a missing or null Origin', () => {
    const base = { allowedOrigins: ['https://shop.example/'], ownOrigins: ['http://127.0.0.1:8080'] };
    expect(originAllowed({ ...base, origin: 'https://shop.example' })).toBe(true);
    expect(originAllowed({ ...base, origin: 'http://127.0.0.1:8080' })).toBe(true);
    expect(originAllowed({ ...base, origin: 'https://shop.example.evil.test' })).toBe(false);
    expect(originAllowed({ ...base, origin: undefined })).toBe(false);
    expect(originAllowed({ ...base, origin: 'null' })).toBe(false);
    expect(originAllowed({ allowedOrigins: ['*'], ownOrigins: [], origin: 'https://any.example' })).toBe(true);
  });

  it('parses frames and checks the pre-chat profile', () => {
    expect(parseClientFrame('{"type":"ping"}')).toEqual({ ok: true, frame: { type: 'ping' } });
    expect(parseClientFrame('nope')).toMatchObject({ ok: false });
    expect(parseClientFrame('{"type":"send","token":"t","clientId":"short"}')).toMatchObject({
      ok: false,
      message: /clientId/,
    });
    const form = {
      name: { ask: true, required: true },
      phone: { ask: true, required: false },
      email: { ask: false, required: false },
    };
    expect(checkProfile({ name: ' Ann ', email: 'ignored@x.y' }, form)).toEqual({ ok: true, profile: { name: 'Ann' } });
    expect(checkProfile({ phone: '+7 916 123-45-67' }, form)).toEqual({ ok: false, message: 'name is required' });
    expect(checkProfile({ name: 'Ann', phone: 'abc' }, form)).toMatchObject({ ok: false });
  });

  it('lets a burst through, then refills at the rate', () => {
    let t = 0;
    const limiter = createRateLimiter({ now: () => t });
    const take = () => limiter.take('k', { perMinute: 60, burst: 2 });
    expect([take().ok, take().ok, take().ok]).toEqual([true, true, false]);
    t += 1000;
    expect(take().ok).toBe(true);
    expect(take()).toMatchObject({ ok: false, retryAfterMs: 1000 });
  });
});
