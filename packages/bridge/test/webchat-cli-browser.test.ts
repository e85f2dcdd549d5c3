// A website chat made with nothing but the CLI: `channels add webchat --set origins=...` prints the script tag, a
// website on its own origin embeds it, a bare `amojo-bridge start` serves it, and a visitor in headless Chromium
// talks to a manager in the sandbox both ways.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO } from '@amojo-bridge/sandbox';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { type CapturedCliStart, runCliCaptured as run, startCliCaptured } from './support/run-cli-captured.js';
import { sandboxApi } from './support/sandbox-api.js';
import { createServiceWorld, type ServiceWorld } from './support/service-harness.js';
import { ensureWebchatBuilt } from './support/webchat-harness.js';
import { traceWidgetPage } from './support/widget-trace.js';

describe.each(ENGINES)('a webchat made with the CLI, served by a bare start (%s)', (engine) => {
  let world: ServiceWorld;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  let snippet = '';
  let started: CapturedCliStart | undefined;

  beforeAll(async () => {
    await ensureWebchatBuilt();
    world = await createServiceWorld(engine);
    site = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>` +
          `<body><h1>Northwind Flowers</h1>${snippet}</body></html>`,
      );
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    // "localhost" is another origin than the bridge's 127.0.0.1, as a real website would be.
    siteUrl = `http://localhost:${(site.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterEach(async () => {
    started?.signal('SIGTERM');
    await started?.exited;
  });
  afterAll(async () => {
    await browser?.close();
    if (site) await new Promise<void>((resolve) => site.close(() => resolve()));
    await world?.close();
  });

  it('prints one script tag that works on the website once the bridge starts', async () => {
    expect((await run(['connect', '--account-id', DEMO.accountAmojoId], world.env)).code).toBe(0);
    const added = await run(
      ['channels', 'add', 'webchat', '--name', 'site', '--set', `origins=${siteUrl}`, '--set', 'title=Northwind'],
      world.env,
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const tags = added.stdout.match(/<script[^>]*><\/script>/g) ?? [];
    expect(tags).toHaveLength(1);
    snippet = tags[0]!;
    const key = /instance: (\S+)/.exec(added.stdout)?.[1];
    expect(snippet).toBe(
      `<script src="http://127.0.0.1:${world.port}/webchat.js" data-instance="${key}" async></script>`,
    );
    expect(added.stdout).not.toMatch(/secret:/);

    const listed = await run(['channels', 'list'], world.env);
    expect(listed.stdout).toContain(`instance: ${key}`);
    expect(listed.stdout).toContain(snippet);

    const start = startCliCaptured(world.env);
    started = start;
    await waitFor('the bridge listening', () => start.stdout().includes('listening on') || undefined);

    const page = await browser.newPage();
    traceWidgetPage(page);
    page.setDefaultTimeout(15_000);
    await page.goto(siteUrl);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByText('Northwind', { exact: true }).waitFor();
    await page.getByLabel('Name').fill('Visitor from the CLI');
    await page.getByRole('button', { name: 'Start chat' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Do you deliver on Sundays?');
    await box.press('Enter');

    const api = sandboxApi(world.sandbox.url);
    const chat = await api.chatOfClient('Visitor from the CLI');
    await waitFor('the visitor message in the sandbox', async () =>
      (await api.messages(chat.id)).find((m) => m.text === 'Do you deliver on Sundays?'),
    );
    expect(await api.sendManagerText(chat.id, 'Yes, every day until 8 pm.')).toBe(200);
    await page.getByRole('log', { name: 'Messages' }).getByText('Yes, every day until 8 pm.').waitFor();
    await page.close();
  }, 120_000);
});
