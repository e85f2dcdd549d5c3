import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/index.js';
import { findAccount } from '../src/store/accounts/index.js';
import { asAmojoAccountId } from '../src/store/ids.js';
import { AMOCRM_IDS, type AmocrmHarness, createAmocrmHarness } from './support/amocrm-harness.js';
import { ENGINES } from './support/databases.js';

describe('amojo-bridge widget build', () => {
  it('writes an archive amoCRM accepts: manifest, locations, settings, both locales, logos, script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'widget-'));
    const out = join(dir, 'widget.zip');
    const lines: string[] = [];
    const code = await runCli(['widget', 'build', '--out', out, '--bridge-url', 'https://bridge.example.com/'], {
      env: {},
      stdout: (t: string) => lines.push(t),
      stderr: (t: string) => lines.push(t),
    } as never);
    expect(code, lines.join('')).toBe(0);
    const files = unzipSync(new Uint8Array(readFileSync(out)));
    const names = Object.keys(files).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'manifest.json',
        'i18n/ru.json',
        'i18n/en.json',
        'script.js',
        'images/logo.png',
        'images/logo_min.png',
        'images/logo_medium.png',
        'images/logo_main.png',
        'images/logo_small.png',
      ]),
    );
    expect(names.every((n) => !n.startsWith('widget/'))).toBe(true); // files at the archive root
    const text = (name: string) => new TextDecoder().decode(files[name]);
    const manifest = JSON.parse(text('manifest.json'));
    expect(manifest.widget).toMatchObject({
      code: 'amojo_bridge',
      interface_version: 2,
      locale: ['ru', 'en'],
      installation: true,
    });
    expect(manifest.widget.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.locations).toEqual(expect.arrayContaining(['lead_sources', 'whatsapp_modal', 'settings']));
    for (const setting of Object.values(manifest.settings) as { name: string; type: string }[]) {
      expect(['text', 'pass', 'custom', 'users', 'users_lp']).toContain(setting.type);
    }
    // Every i18n key the manifest and the script use exists in both locales.
    const used = new Set<string>();
    const collect = (value: unknown): void => {
      if (typeof value === 'string' && /^(widget|settings|messages)\.[a-z_]+$/.test(value)) used.add(value);
      else if (value && typeof value === 'object') for (const v of Object.values(value)) collect(v);
    };
    collect(manifest);
    const script = text('script.js');
    for (const match of script.matchAll(/self\.i18n\('([a-z_]+)'\)\.([a-z_]+)/g)) used.add(`${match[1]}.${match[2]}`);
    expect(used.size).toBeGreaterThan(5);
    for (const locale of ['ru', 'en']) {
      const dict = JSON.parse(text(`i18n/${locale}.json`));
      for (const key of used) {
        const [group, name] = key.split('.') as [string, string];
        expect(typeof dict[group]?.[name], `${locale}: ${key}`).toBe('string');
      }
    }
    expect(script).toContain("APP.constant('account')");
    expect(script).toContain('.amojo_id');
    expect(script).toContain('self.$authorizedAjax(');
    expect(script).toContain('"https://bridge.example.com"');
    expect(script.startsWith('define(')).toBe(true);
    const png = files['images/logo.png']!;
    expect(Array.from(png.slice(1, 4))).toEqual([0x50, 0x4e, 0x47]);
    expect(new DataView(png.buffer, png.byteOffset).getUint32(16)).toBe(130); // IHDR width
  });

  it('refuses to build without a bridge URL (exit 2, message names the flag)', async () => {
    const err: string[] = [];
    const code = await runCli(['widget', 'build', '--out', join(tmpdir(), 'never.zip')], {
      env: {},
      stdout: () => undefined,
      stderr: (t: string) => err.push(t),
    } as never);
    expect(code).toBe(2);
    expect(err.join('')).toContain('--bridge-url');
  });
});

describe.each(ENGINES)('widget connect with amoCRM one-time JWT (%s)', (engine) => {
  let h: AmocrmHarness;
  beforeAll(async () => {
    h = await createAmocrmHarness({ engine });
    await h.install();
  }, 60_000);
  afterAll(async () => h?.close());

  const token = async (extra: Record<string, unknown> = {}) =>
    (
      await h.control('POST', '/crm/widget-token', {
        account: AMOCRM_IDS.accountAmojoId,
        clientId: AMOCRM_IDS.clientId,
        audience: h.bridgeUrl,
        ...extra,
      })
    ).body.token as string;
  const connect = async (
    jwt: string | undefined,
    body: unknown = { amojo_id: AMOCRM_IDS.accountAmojoId, link_contacts: 'phone' },
  ) => {
    const response = await fetch(`${h.bridgeUrl}/amocrm/widget/connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(jwt ? { 'x-auth-token': jwt } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('accepts a fresh token once, applies the settings, and refuses its replay', async () => {
    const jwt = await token();
    const first = await connect(jwt);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.scopeId).toBe(`${AMOCRM_IDS.channelId}_${AMOCRM_IDS.accountAmojoId}`);
    const replay = await connect(jwt);
    expect(replay).toMatchObject({ status: 401, body: { message: expect.stringContaining('already used') } });
    const account = await findAccount(h.bridge.store.db, {
      channelId: AMOCRM_IDS.channelId,
      amojoAccountId: asAmojoAccountId(AMOCRM_IDS.accountAmojoId),
    });
    expect(account?.state).toBe('connected');
  });

  it.each([
    ['missing', async () => undefined, /missing/],
    ['expired', async () => token({ shiftSeconds: -3600 }), /expired/],
    ['from the future', async () => token({ shiftSeconds: 600 }), /not valid yet|future/],
    ['for another address', async () => token({ audience: 'https://elsewhere.example' }), /another address/],
    ['signed with another secret', async () => `${(await token()).slice(0, -4)}AAAA`, /signature/],
  ])('refuses a token that is %s with a clear 401', async (_label, make, reason) => {
    const answer = await connect(await make());
    expect(answer.status).toBe(401);
    expect(String(answer.body.message)).toMatch(reason);
  });

  it('refuses a valid token used for a foreign account (amojo_id of another account)', async () => {
    const answer = await connect(await token(), { amojo_id: '00000000-0000-4000-8000-000000000000' });
    expect(answer).toMatchObject({ status: 401, body: { error: 'foreign_account' } });
  });

  it('names the field of a bad body', async () => {
    const answer = await connect(await token(), { amojo_id: AMOCRM_IDS.accountAmojoId, link_contacts: 'always' });
    expect(answer).toMatchObject({ status: 400, body: { field: 'link_contacts' } });
  });
});
