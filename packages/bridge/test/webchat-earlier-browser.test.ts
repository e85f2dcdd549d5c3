// "Show earlier" in headless Chromium (issue 13): a visitor with more messages than the 200 the widget gets on
// connect clicks "Show earlier messages" until the first message of the conversation is on screen.
// webchat-earlier-history.test.ts checks the same paging at the protocol level, on both engines.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import {
  createWebchatHarness,
  ensureWebchatBuilt,
  openSocket,
  type TestSocket,
  type WebchatHarness,
} from './support/webchat-harness.js';
import { traceWidgetPage } from './support/widget-trace.js';

const TOTAL = 260;

describe('webchat "show earlier" in a browser (sqlite)', () => {
  let h: WebchatHarness;
  let browser: Browser;
  const sockets: TestSocket[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureWebchatBuilt();
    h = await createWebchatHarness({ engine: 'sqlite', settings: { rateLimit: { messagesPerMinute: 10_000 } } });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await browser?.close();
    await h?.close();
  });

  /** The visitor's history, written through the protocol as the widget would (one at a time, resent when limited). */
  async function visitorWithHistory(): Promise<string> {
    const origin = new URL(h.bridgeUrl).origin;
    const first = await openSocket(h.bridgeUrl, h.instanceKey, origin);
    sockets.push(first);
    const session = first.next('session');
    first.send({ type: 'start', profile: { name: 'Visitor' } });
    const { token } = await session;
    // Several connections of the same visitor: each connection may send 60 frames a minute.
    const senders: TestSocket[] = [first];
    for (let n = 1; n < 6; n++) {
      const extra = await openSocket(h.bridgeUrl, h.instanceKey, origin);
      sockets.push(extra);
      const ready = extra.next('ready');
      extra.send({ type: 'hello', token });
      await ready;
      senders.push(extra);
    }
    for (let i = 0; i < TOTAL; i++) {
      const clientId = `client-msg-${i}`;
      for (let attempt = 0; ; attempt++) {
        const sender = senders[(i + attempt) % senders.length] as TestSocket;
        const answer = Promise.race([
          sender.next('ack', (f) => f.clientId === clientId),
          sender.next('error', (f) => f.clientId === clientId),
        ]);
        sender.send({ type: 'send', token, clientId, text: `message ${i}` });
        const got = await answer;
        if (got.type === 'ack') break;
        expect(got.code).toBe('rate_limited');
        await new Promise((resolve) => setTimeout(resolve, (got.retryAfterMs ?? 100) + 10));
      }
    }
    return token;
  }

  it('pages back with "Show earlier messages" to the first message', { timeout: 300_000 }, async () => {
    const token = await visitorWithHistory();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // The same visitor coming back: the widget finds its token where it keeps it.
    await context.addInitScript(
      ([key, value]) => localStorage.setItem(key as string, value as string),
      [`amojo-webchat:${h.instanceKey}:token`, token],
    );
    const site = await context.newPage();
    traceWidgetPage(site);
    site.on('pageerror', (error) => pageErrors.push(error.message));
    site.setDefaultTimeout(20_000);
    await site.goto(`${h.bridgeUrl}/webchat/demo?instance=${h.instanceKey}`);
    await site.getByRole('button', { name: 'Open chat' }).click();
    const log = site.getByRole('log', { name: 'Messages' });
    const exact = (text: string) => log.getByText(text, { exact: true });
    // On connect: the newest 200 (60..259), not the first.
    await exact(`message ${TOTAL - 1}`).waitFor();
    await exact(`message ${TOTAL - 200}`).waitFor();
    await expect(exact('message 0').count()).resolves.toBe(0);
    const earlier = site.getByRole('button', { name: 'Show earlier messages' });
    // 50 a page: two clicks reach message 0; click until it shows (each click waits for the button to be enabled).
    for (let page = 0; page < 5 && (await exact('message 0').count()) === 0; page++) {
      await earlier.click();
      await expect
        .poll(() => log.getByText(/^message \d+$/).count(), { timeout: 30_000 })
        .toBeGreaterThan(200 + page * 50);
    }
    await exact('message 0').waitFor();
    await expect.poll(() => log.getByText(/^message \d+$/).count(), { timeout: 30_000 }).toBe(TOTAL);
    // Nothing earlier than the first message: the button goes away.
    await expect.poll(() => earlier.count(), { timeout: 30_000 }).toBe(0);
    // In order, oldest first.
    const texts = await log.getByText(/^message \d+$/).allTextContents();
    expect(texts).toEqual(Array.from({ length: TOTAL }, (_, i) => `message ${i}`));
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
