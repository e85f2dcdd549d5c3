// A website chat made with nothing but the CLI: `channels add webchat --set origins=...` prints the script tag, a
// website on its own origin embeds it, a bare `amojo-bridge start` serves it, and a visitor in headless Chromium
// talks to a manager in the sandbox both ways.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO, type SandboxChatView, type SandboxMessageView } from '@amojo-bridge/sandbox';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../src/cli/index.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { createServiceWorld, type ServiceWorld } from './support/service-harness.js';
import { ensureWebchatBuilt } from './support/webchat-harness.js';
import { traceWidgetPage } from './support/widget-trace.js';

async function run(argv: string[], env: CliIo['env']) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
  });
  return { code, stdout, stderr };
}

describe.each(ENGINES)('a webchat made with the CLI, served by a bare start (%s)', (engine) => {
  let world: ServiceWorld;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  let snippet = '';
  let signal: ((name: string) => void) | undefined;
  let running: Promise<number> | undefined;

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
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });
  afterEach(async () => {
    signal?.('SIGTERM');
    await running;
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

    let stdout = '';
    running = runCli(['start'], {
      stdout: (text) => {
        stdout += text;
      },
      stderr: () => undefined,
      env: world.env,
      onShutdownSignal(handler) {
        signal = handler;
        return () => undefined;
      },
    });
    await waitFor('the bridge listening', () => stdout.includes('listening on') || undefined);

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

    const sandbox = world.sandbox.url;
    const chat = await waitFor('the chat in the sandbox', async () =>
      ((await (await fetch(`${sandbox}/_sandbox/api/chats`)).json()) as SandboxChatView[]).find(
        (c) => c.client.name === 'Visitor from the CLI',
      ),
    );
    const messagesOf = async () =>
      (await (await fetch(`${sandbox}/_sandbox/api/chats/${chat.id}/messages`)).json()) as SandboxMessageView[];
    await waitFor('the visitor message in the sandbox', async () =>
      (await messagesOf()).find((m) => m.text === 'Do you deliver on Sundays?'),
    );
    const answered = await fetch(`${sandbox}/_sandbox/api/chats/${chat.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Yes, every day until 8 pm.' }),
    });
    expect(answered.status).toBe(200);
    await page.getByRole('log', { name: 'Messages' }).getByText('Yes, every day until 8 pm.').waitFor();
    await page.close();
  }, 120_000);
});
