// The admin dashboard in headless Chromium against a real bridge, sandbox and customer system: sign in once, create a
// channel instance, see a dead job with its error, reconnect, retry it from the queue and watch it deliver; the hook
// log shows a rejected hook; the page works by keyboard, at phone width, and its text meets WCAG AA contrast.
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAccounts, setAccountOAuth } from '../src/store/index.js';
import { launchChromium, openPage } from './support/chromium.js';
import { ENGINES } from './support/databases.js';
import {
  createRelayHarness,
  RELAY_ADMIN_TOKEN,
  RELAY_TEST_IDS,
  type RelayHarness,
  waitFor,
} from './support/relay-harness.js';

// UPDATE_ADMIN_SCREENSHOTS=1 refreshes the pictures in docs/; otherwise they go to a temp folder.
const SHOTS = process.env.UPDATE_ADMIN_SCREENSHOTS
  ? fileURLToPath(new URL('../../../docs/', import.meta.url))
  : tmpdir();
const shot = (name: string) => join(SHOTS, process.env.UPDATE_ADMIN_SCREENSHOTS ? name : `${process.pid}-${name}`);

/** Builds dist/admin when it is missing or older than its sources. */
async function ensureAdminBuilt(): Promise<void> {
  const source = fileURLToPath(new URL('../src/admin/web/', import.meta.url));
  const bundle = fileURLToPath(new URL('../dist/admin/admin.js', import.meta.url));
  let built = 0;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    built = 0;
  }
  const newest = async (dir: string): Promise<number> => {
    let latest = 0;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      latest = Math.max(latest, entry.isDirectory() ? await newest(path) : statSync(path).mtimeMs);
    }
    return latest;
  };
  if (built > (await newest(source))) return;
  const { buildAdmin } = (await import(fileURLToPath(new URL('../scripts/build-admin.mjs', import.meta.url)))) as {
    buildAdmin: () => Promise<unknown>;
  };
  await buildAdmin();
}

/** Every visible text element whose contrast with its background is below 4.5:1 (WCAG AA, normal text). */
function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (value: string) => {
      const m = value.match(/rgba?\(([^)]+)\)/);
      if (!m) return undefined;
      const [r, g, b, a = 1] = m[1]!.split(',').map((part) => Number.parseFloat(part));
      return { r: r!, g: g!, b: b!, a };
    };
    const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const channel = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (element: Element | null): { r: number; g: number; b: number } => {
      for (let el = element; el; el = el.parentElement) {
        const colour = parse(getComputedStyle(el).backgroundColor);
        if (colour && colour.a > 0.5) return colour;
      }
      return { r: 255, g: 255, b: 255 };
    };
    const bad: string[] = [];
    for (const element of document.querySelectorAll('body *')) {
      const own = [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent?.trim());
      if (!own) continue;
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || style.display === 'none' || (element as HTMLElement).offsetParent === null)
        continue;
      if (element.closest('.sr-only, button:disabled')) continue;
      const fg = parse(style.color);
      if (!fg) continue;
      const a = luminance(fg);
      const b = luminance(background(element));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5)
        bad.push(`${element.tagName.toLowerCase()} "${element.textContent?.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
    return bad;
  });
}

describe.each(ENGINES)('the admin dashboard in a browser (%s)', (engine) => {
  let h: RelayHarness;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let base: string;

  beforeAll(async () => {
    await ensureAdminBuilt();
    h = await createRelayHarness({ engine });
    base = `http://127.0.0.1:${h.bridge.app.server.address() && (h.bridge.app.server.address() as { port: number }).port}`;
    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1280, height: 900 }, pageErrors, timeoutMs: 15_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('signs in once, creates an instance, shows a dead job, retries it and watches it deliver', async () => {
    await page.goto(`${base}/admin`);
    // A wrong token is refused with a message; the right one is kept in sessionStorage, never in the URL.
    await page.getByLabel('Admin token').fill('wrong-token-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The bridge refused that token').waitFor();
    await page.getByLabel('Admin token').fill(RELAY_ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Health' }).waitFor();
    await page.getByText('Ready', { exact: true }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('amojo-bridge.admin-token'))).toBe(RELAY_ADMIN_TOKEN);
    expect(page.url()).not.toContain(RELAY_ADMIN_TOKEN);
    await page.reload();
    await page.getByRole('heading', { name: 'Health' }).waitFor(); // still signed in

    // Accounts: the harness's connected account.
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByText(RELAY_TEST_IDS.ACCOUNT_ID, { exact: true }).waitFor();
    await page.getByText('connected', { exact: true }).first().waitFor();
    await page.getByText('none (connected by hand)').waitFor();
    // An account whose refresh token amoCRM refused says so, with the reason and what to do.
    const [account] = await listAccounts(h.bridge.store.db);
    await setAccountOAuth(h.bridge.store.db, {
      accountId: account!.id,
      oauthState: 'needs_reinstall',
      oauthError: 'amoCRM answered 400 to the token refresh',
    });
    await page.reload();
    await page.getByText('needs reinstall', { exact: true }).waitFor();
    await page.getByText(/amoCRM answered 400 to the token refresh\. Install the integration again/).waitFor();
    await setAccountOAuth(h.bridge.store.db, { accountId: account!.id, oauthState: 'none', oauthError: null });

    // Channels: create an http instance from the generated form; its secret is shown once.
    await page.getByRole('link', { name: 'Channels' }).click();
    await page.getByLabel('Kind').selectOption('http');
    await page.getByLabel('Name').fill('Shop backend');
    await page.getByLabel(/^url/).fill(`${h.customer.url}/shop`);
    // The amoCRM pipeline of its leads: something that is not an id is refused with the bridge's reason.
    await page.getByLabel('amoCRM pipeline id').fill('main');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('pipelineId: expected the id of an amoCRM pipeline, a positive integer').waitFor();
    await page.getByLabel('amoCRM pipeline id').fill('4242');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('shown only this once').waitFor();
    await page.getByRole('rowheader', { name: 'Shop backend' }).waitFor();
    const created = await h.bridge.store.db
      .selectFrom('channel_instances')
      .select(['kind', 'settings', 'amocrm_pipeline_id'])
      .where('name', '=', 'Shop backend')
      .executeTakeFirstOrThrow();
    expect(created.kind).toBe('http');
    expect(JSON.parse(created.settings).url).toBe(`${h.customer.url}/shop`);
    expect(Number(created.amocrm_pipeline_id)).toBe(4242);
    // Untouched capability boxes start ticked: the instance carries everything (it once stored them all false).
    expect(Object.values(JSON.parse(created.settings).capabilities ?? {}).every((on) => on === true)).toBe(true);
    // Edit it from the same generated form: the name changes, the stored settings stay; the pipeline shows and, once
    // emptied, goes back to the account's main pipeline.
    await page.getByRole('button', { name: 'Edit Shop backend' }).click();
    expect(await page.getByLabel('amoCRM pipeline id').inputValue()).toBe('4242');
    await page.getByLabel('Name').fill('Shop backend (EU)');
    await page.getByLabel('amoCRM pipeline id').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('rowheader', { name: 'Shop backend (EU)' }).waitFor();
    const edited = await h.bridge.store.db
      .selectFrom('channel_instances')
      .select(['settings', 'amocrm_pipeline_id'])
      .where('name', '=', 'Shop backend (EU)')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(edited.settings).url).toBe(`${h.customer.url}/shop`);
    expect(edited.amocrm_pipeline_id).toBeNull();
    await page.screenshot({ path: shot('admin-channels.png'), fullPage: true });

    // A dead job: amoCRM disconnected the channel behind the bridge's back, so delivering to amojo is refused.
    await h.sendCustomerText('admin-chat', 'before');
    const chat = await waitFor('the chat', () => h.chatOf('admin-chat'));
    await h.bridge.amojo.disconnect({ accountId: RELAY_TEST_IDS.ACCOUNT_ID });
    await h.sendCustomerText('admin-chat', 'refused by amojo');
    await page.getByRole('link', { name: 'Queue' }).click();
    const deadRow = page
      .getByRole('row')
      .filter({ hasText: 'deliver-to-amojo' })
      .filter({ hasText: 'amojo answered 404' });
    await deadRow.waitFor();
    await page.screenshot({ path: shot('admin-queue.png'), fullPage: true });

    // The operator reconnects the account from the dashboard, then retries the job.
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByLabel('amojo account id').fill(RELAY_TEST_IDS.ACCOUNT_ID);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByText(`Connected ${RELAY_TEST_IDS.ACCOUNT_ID}`).waitFor();
    await page.getByRole('link', { name: 'Queue' }).click();
    await deadRow.getByRole('button', { name: /^Retry job/ }).click();
    await page.getByText(/queued again/).waitFor();
    await page.getByText('No dead jobs.').waitFor();

    // Watch it deliver: amoCRM has the message, and the conversation's timeline shows it sent.
    await waitFor('the retried message in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).some((m) => m.text === 'refused by amojo'),
    );
    await page.getByRole('link', { name: 'Conversations' }).click();
    // The list names the customer, with the chat key under it.
    await page.getByRole('button', { name: 'Customer admin-chat', exact: true }).click();
    const message = page.getByRole('listitem').filter({ hasText: 'refused by amojo' }).first();
    await message.getByText('Customer → amoCRM').waitFor();
    await message.getByText('sent', { exact: true }).waitFor();
    await message
      .getByLabel('Jobs')
      .getByText(/deliver-to-amojo: done/)
      .waitFor();
    await page.screenshot({ path: shot('admin-conversation.png'), fullPage: true });

    // The hook log names why a hook was refused: signed correctly, but not a hook amojo would send.
    await h.postHook(JSON.stringify({ account_id: RELAY_TEST_IDS.ACCOUNT_ID, time: 1 }));
    const rejected = await waitFor('the rejected hook in the log', () =>
      h.bridge.store.db.selectFrom('hooks').select(['reason']).where('outcome', '=', 'rejected').executeTakeFirst(),
    );
    await page.getByRole('link', { name: 'Hooks' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: 'rejected' })
      .filter({ hasText: rejected.reason ?? '' })
      .first()
      .waitFor();

    await page.getByRole('link', { name: 'Health' }).click();
    await page.getByText('Hooks per minute').waitFor();
    await waitFor('rates after a second sample', async () => !(await page.getByText('measuring…').count()), 20_000);
    await page.screenshot({ path: shot('admin-health.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('works by keyboard, at phone width, with AA contrast', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    for (const section of ['#health', '#accounts', '#channels', '#queue', '#hooks', '#conversations']) {
      await page.goto(`${base}/admin${section}`);
      await page.locator('h2').first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await lowContrast(page), section).toEqual([]);
    }
    // Keyboard: the first Tab reaches "Skip to content", then the section links; Enter follows one.
    await page.goto(`${base}/admin#health`);
    await page.reload(); // a fresh document: focus starts at the top
    await page.getByRole('heading', { name: 'Health' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Accounts');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();

    // Phone: nothing wider than the screen; wide tables scroll inside their own region.
    await page.setViewportSize({ width: 375, height: 800 });
    for (const section of ['#health', '#channels', '#queue', '#hooks']) {
      await page.goto(`${base}/admin${section}`);
      await page.locator('h2').first().waitFor();
      await page.waitForLoadState('networkidle');
      const widest = await page.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > 376 && !el.parentElement?.closest('.table-wrap'))
          .map((el) => `${el.tagName}.${el.className}`)
          .slice(0, 5),
      );
      expect(widest, section).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), section).toBeLessThanOrEqual(375);
    }
    await page.goto(`${base}/admin#channels`);
    await page.getByRole('button', { name: 'Create' }).waitFor();
    await page.screenshot({ path: shot('admin-phone.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
