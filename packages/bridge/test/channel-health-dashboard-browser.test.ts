// The dashboard's Channels table shows each instance's health: a broken instance with its problem and reason, and
// ok again after a success; the Queue shows a send held for the broken instance as queued and held, with why. Headless Chromium against a real bridge; the health rows are written through the same
// recorder the relay uses (the signal path itself is covered by channel-health-telegram.test.ts).
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelHoldKey, classifySendResult, recordChannelHealth } from '../src/channels/health/index.js';
import { claimJobs, enqueue, holdJob } from '../src/queue/index.js';
import { findChannelInstance } from '../src/store/channel-instances/index.js';
import { asChannelInstanceKey } from '../src/store/ids.js';
import { launchChromium, openPage } from './support/chromium.js';
import { createRelayHarness, RELAY_ADMIN_TOKEN, type RelayHarness } from './support/relay-harness.js';

async function ensureAdminBuilt(): Promise<void> {
  const bundle = fileURLToPath(new URL('../dist/admin/admin.js', import.meta.url));
  const sources = ['channels-panel.tsx', 'queue-panel.tsx'].map((name) =>
    fileURLToPath(new URL(`../src/admin/web/components/${name}`, import.meta.url)),
  );
  let built = 0;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    built = 0;
  }
  if (sources.every((source) => built > statSync(source).mtimeMs)) return;
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
    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1280, height: 900 }, timeoutMs: 20_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows broken with the problem and reason, then ok', async () => {
    const row = await findChannelInstance(h.bridge.store.db, { key: asChannelInstanceKey(h.instanceKey) });
    const instance = { rowId: row!.rowId, key: row!.key, kind: row!.kind, name: row!.name };
    const signal = classifySendResult({
      ok: false,
      errorCode: 902,
      reason: 'customer system refused the credentials',
      retryable: false,
    });
    await recordChannelHealth({
      store: h.bridge.store,
      log: h.bridge.log,
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

    // A job held for the instance (a kind no worker runs, so it stays put until released).
    await enqueue(h.bridge.store.db, { kind: 'test-held-send', lane: 'test-lane', payload: {} });
    const [claimed] = await claimJobs(h.bridge.store, {
      workerId: 'test',
      kinds: ['test-held-send'],
      limit: 1,
      leaseMs: 60_000,
    });
    const reason = new Error(`held: channel instance ${instance.key} is broken (bad_credentials)`);
    await holdJob(h.bridge.store.db, claimed!, { holdMs: 3_600_000, heldFor: channelHoldKey(instance.rowId), reason });
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.locator('#queue-state').selectOption('queued');
    const heldRow = page.getByRole('row').filter({ hasText: 'test-lane' });
    await heldRow.getByText('held', { exact: true }).waitFor();
    await heldRow.getByText(/is broken \(bad_credentials\)/).waitFor();
    await heldRow.getByText('0/25').waitFor();
    const kindRow = page
      .getByRole('table', { name: 'Jobs by kind and state' })
      .getByRole('row', { name: /test-held-send/ });
    await expect.poll(async () => (await kindRow.getByRole('cell').allTextContents()).slice(0, 2)).toEqual(['1', '1']);
    await page.screenshot({ path: join(tmpdir(), `${process.pid}-channel-health-held.png`), fullPage: true });

    await recordChannelHealth({
      store: h.bridge.store,
      log: h.bridge.log,
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
    // The recovery released the held job: queued, no longer held.
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.locator('#queue-state').selectOption('queued');
    await page.getByRole('row').filter({ hasText: 'test-lane' }).waitFor();
    await expect
      .poll(
        async () => page.getByRole('row').filter({ hasText: 'test-lane' }).getByText('held', { exact: true }).count(),
        {
          timeout: 30_000,
        },
      )
      .toBe(0);
  }, 180_000);
});
