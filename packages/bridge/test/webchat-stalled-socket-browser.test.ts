// A widget whose first socket never completes (a proxy or a stalled network holding the upgrade, the bridge never
// seeing it) closes it after 10 s without a first frame and connects again: the visitor gets the instance's panel
// instead of "connecting" until the browser gives up minutes later. The page and the widget go through a TCP proxy
// in front of the bridge that holds the first WebSocket upgrade and passes everything else through.
import { createServer, Socket as NetSocket, type Server, type Socket } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWebchatChannel } from '../src/channels/webchat/index.js';
import { launchChromium } from './support/chromium.js';
import { createWebchatHarness, ensureWebchatBuilt, type WebchatHarness } from './support/webchat-harness.js';
import { traceWidgetPage } from './support/widget-trace.js';

interface StallingProxy {
  readonly url: string;
  /** Upgrades held so far (never answered, never passed on). */
  readonly held: number;
  close(): Promise<void>;
}

/** Passes TCP connections to `port`, except the first `stall` WebSocket upgrades, which it holds open unanswered. */
async function startStallingProxy(port: number, stall: number, page: (url: string) => string): Promise<StallingProxy> {
  let held = 0;
  let url = '';
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    client.once('data', (first) => {
      client.pause();
      const head = first.toString('latin1');
      if (head.startsWith('GET /shop.html ')) {
        const body = page(url);
        client.end(
          `HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
        return;
      }
      if (/^upgrade: websocket/im.test(head) && held < stall) {
        held++;
        return; // read and kept: the browser waits for an answer that never comes
      }
      const upstream = new NetSocket();
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.connect(port, '127.0.0.1', () => {
        upstream.write(first);
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    get held() {
      return held;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('webchat widget with a stalled first socket (sqlite)', () => {
  let h: WebchatHarness;
  let proxy: StallingProxy;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureWebchatBuilt();
    h = await createWebchatHarness({ engine: 'sqlite', settings: { title: 'Northwind Flowers' } });
    // The shop page comes from the proxy too (a loopback page, like the bridge's own demo page).
    proxy = await startStallingProxy(
      Number(new URL(h.bridgeUrl).port),
      1,
      (url) =>
        `<!doctype html><html lang="en"><body><h1>Shop</h1><script src="${url}/webchat.js" data-instance="${h.instanceKey}" async></script></body></html>`,
    );
    // The page's origin is the proxy's: the instance allows it.
    await addWebchatChannel(h.relay.bridge, {
      name: 'Northwind Flowers website',
      key: h.instanceKey,
      settings: { title: 'Northwind Flowers', origins: [proxy.url] },
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    traceWidgetPage(page);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(30_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await h?.close();
  });

  it('gives up on a socket that brings no first frame within 10 s and connects again', async () => {
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`${proxy.url}/shop.html`);
    const started = Date.now();
    await page.getByRole('button', { name: 'Open chat' }).click();
    // The panel is named by the instance's title only once a socket brought the bridge's config.
    await page
      .getByRole('dialog', { name: 'Northwind Flowers' })
      .waitFor({ timeout: 30_000 })
      .catch(async (error) => {
        const shown = await page
          .getByRole('dialog')
          .first()
          .textContent()
          .catch(() => '(no panel)');
        throw new Error(`held ${proxy.held}; the widget showed: ${shown}; errors: ${pageErrors.join(' | ')}`, {
          cause: error,
        });
      });
    const waited = Date.now() - started;
    expect(proxy.held).toBe(1);
    expect(sockets.length).toBe(2);
    // Not before the first socket's 10 s ran out (the held one could not have brought it).
    expect(waited).toBeGreaterThanOrEqual(9_000);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
