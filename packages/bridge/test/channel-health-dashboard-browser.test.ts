// The dashboard's Channels table shows each instance's health: a broken instance with its problem and reason, and
// ok again after a success. Headless Chromium against a real bridge; the health rows are written through the same
// recorder the relay uses (the signal path itself is covered by channel-health-telegram.test.ts).
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifySendResult, recordChannelHealth } from '../src/channels/health/index.js';
import { findChannelInstance } from '../src/store/channel-instances/index.js';
import { createRelayHarness, RELAY_ADMIN_TOKEN, type RelayHarness } from './support/relay-harness.js';

async function ensureAdminBuilt(): Promise<void> {
  const bundle = fileURLToPath(new URL('../dist/admin/admin.js', import.meta.url));
  const source = fileURLToPath(new URL('../src/admin/web/components/channels-panel.tsx', import.meta.url));
  let built = 0;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    built = 0;
  }
  if (built > statSync(source).mtimeMs) return;
  const { buildAdmin } = (await import(fileURLToPath(new URL('../scripts/build-admin.mjs', import.meta.url)))) as {
    buildAdmin: () => Promise<unknown>;
  };
  await buildAdmin();
}

describe('dashboard channel health (sqlite)', () => {
  let h: RelayHarness;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    await ensureAdminBuilt();
    h = await createRelayHarness({ engine: 'sqlite' });
    base = `http://127.0.0.1:${(h.bridge.app.server.address() as { port: number }).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(20_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows broken with the problem and reason, then ok', async () => {
    const row = await findChannelInstance(h.bridge.store.db, { key: h.instanceKey });
    const instance = { rowId: row!.id, id: row!.key, kind: row!.kind, name: row!.name };
    const signal = classifySendResult({
      ok: false,
      errorCode: 902,
      reason: 'customer system refused the credentials',
      retryable: false,
    });
    await recordChannelHealth({
      store: h.bridge.store,
      log: h.bridge.deps.log,
      now: Date.now(),
      instance,
      signal: signal!,
    });

    await page.goto(`${base}/admin`);
    await page.getByLabel('Admin token').fill(RELAY_ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Channels' }).click();
    const cell = page.locator('.health').first();
    await cell.getByText('broken', { exact: true }).waitFor();
    await cell.getByText(/credentials refused: customer system refused the credentials/).waitFor();
    await page.screenshot({ path: join(tmpdir(), `${process.pid}-channel-health-broken.png`), fullPage: true });

    await recordChannelHealth({
      store: h.bridge.store,
      log: h.bridge.deps.log,
      now: Date.now(),
      instance,
      signal: { ok: true, source: 'send' },
    });
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole('link', { name: 'Channels' }).click();
          return (await page.locator('.health .badge').first().textContent({ timeout: 20_000 }))?.trim();
        },
        { timeout: 60_000 },
      )
      .toBe('ok');
    await page.screenshot({ path: join(tmpdir(), `${process.pid}-channel-health-ok.png`), fullPage: true });
  }, 180_000);
});
