// The widget on a website of another origin (as every real site is): the socket and the uploads cross origins, the
// upload's CORS preflight is answered for allowed origins only; and a second tab joins a chat the first one started.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWebchatChannel } from '../src/channels/webchat/index.js';
import { launchChromium } from './support/chromium.js';
import { waitFor } from './support/relay-harness.js';
import { createWebchatHarness, ensureWebchatBuilt, type WebchatHarness } from './support/webchat-harness.js';
import { traceWidgetPage } from './support/widget-trace.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function startSite(scriptUrl: string, instance: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Other site</title></head>` +
        `<body><h1>A website on its own origin</h1><script src="${scriptUrl}" data-instance="${instance}" async></script></body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // "localhost" is another origin than the bridge's 127.0.0.1, as a real website would be.
  return { url: `http://localhost:${(server.address() as AddressInfo).port}`, server };
}

describe('webchat widget on another origin (sqlite)', () => {
  let h: WebchatHarness;
  let browser: Browser;
  let allowed: { url: string; server: Server };
  let refused: { url: string; server: Server };

  beforeAll(async () => {
    await ensureWebchatBuilt();
    h = await createWebchatHarness({ engine: 'sqlite' });
    allowed = await startSite(`${h.bridgeUrl}/webchat.js`, h.instanceKey);
    refused = await startSite(`${h.bridgeUrl}/webchat.js`, h.instanceKey);
    await addWebchatChannel(h.relay.bridge, {
      name: 'Northwind Flowers website',
      key: h.instanceKey,
      settings: { allowedOrigins: [allowed.url], form: { phone: { ask: false } } },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const site of [allowed, refused]) {
      if (site) await new Promise<void>((resolve) => site.server.close(() => resolve()));
    }
    await h?.close();
  });

  it('chats and uploads from an allowed origin, and a second tab joins the chat the first one started', async () => {
    const context = await browser.newContext();
    const tab1 = await context.newPage();
    const tab2 = await context.newPage();
    traceWidgetPage(tab1, 'tab 1');
    traceWidgetPage(tab2, 'tab 2');
    for (const tab of [tab1, tab2]) {
      tab.setDefaultTimeout(15_000);
      await tab.goto(allowed.url);
      await tab.getByRole('button', { name: 'Open chat' }).click();
      await tab.getByLabel('Name').waitFor();
    }
    await tab1.getByLabel('Name').fill('Cross Origin Carl');
    await tab1.getByRole('button', { name: 'Start chat' }).click();
    const box = tab1.getByRole('textbox', { name: 'Message' });
    await box.fill('Hello from another origin');
    await box.press('Enter');
    // The other tab had the form open: it joins the same conversation without a reload.
    await tab2.getByRole('log', { name: 'Messages' }).getByText('Hello from another origin').waitFor();

    await tab1.locator('input[type="file"]').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
    await tab1.getByRole('log', { name: 'Messages' }).locator('img[alt="dot.png"]').waitFor();
    const chat = await waitFor('the chat in the sandbox', async () =>
      (await h.relay.sandboxChats()).find((c) => c.client.name === 'Cross Origin Carl'),
    );
    await waitFor('the picture in the sandbox', async () =>
      (await h.relay.sandboxMessages(chat.id)).find((m) => m.type === 'picture'),
    );
    await context.close();
  });

  it('does not connect from an origin that is not allowed', async () => {
    const page = await browser.newPage();
    const refusedUpgrades: number[] = [];
    page.on('websocket', (ws) => ws.on('socketerror', () => refusedUpgrades.push(1)));
    await page.goto(refused.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByText('Connecting…').waitFor();
    const preflight = await fetch(`${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`, {
      method: 'OPTIONS',
      headers: { origin: refused.url, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    await waitFor('a refused upgrade', () => refusedUpgrades.length > 0 || undefined, 15_000);
    await page.close();
  });
});
