// The admin API creates, updates and removes the messenger kinds too (issue 10: "the admin API creates/updates/removes
// every kind"): a Telegram bot checked with getMe and a WhatsApp number checked against the Cloud API, each against
// its local emulator; a bad credential is refused naming the field; secrets never come back in an answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, RELAY_ADMIN_TOKEN, type RelayHarness } from './support/relay-harness.js';
import { startTelegramEmulator, type TelegramEmulator } from './support/telegram-emulator/index.js';
import { startWhatsAppEmulator, type WhatsAppEmulator } from './support/whatsapp-emulator/index.js';

describe.each(ENGINES)('admin API: telegram and whatsapp instances (%s)', (engine) => {
  let h: RelayHarness;
  let telegram: TelegramEmulator;
  let whatsapp: WhatsAppEmulator;
  const auth = { authorization: `Bearer ${RELAY_ADMIN_TOKEN}` };
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    h.bridge.app.inject({ method, url: `/admin/api${url}`, headers: auth, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    h = await createRelayHarness({ engine });
    telegram = await startTelegramEmulator();
    whatsapp = await startWhatsAppEmulator();
  });
  afterAll(async () => {
    await h?.close();
    await telegram?.close();
    await whatsapp?.close();
  });

  it('creates a telegram bot checked with getMe, renames it and removes it; a token Telegram does not know is refused', async () => {
    const bot = telegram.addBot({ username: 'admin_api_bot', firstName: 'Admin API' });
    const unknown = await call('POST', '/channel-instances', {
      kind: 'telegram',
      name: 'Support bot',
      settings: { token: `123:${'x'.repeat(35)}`, apiRoot: telegram.apiRoot, mode: 'polling' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ field: 'settings.token' });
    expect(unknown.json().message).toMatch(/does not know this token/);

    const created = await call('POST', '/channel-instances', {
      kind: 'telegram',
      name: 'Support bot',
      settings: { token: bot.token, apiRoot: telegram.apiRoot, mode: 'polling' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.body).not.toContain(bot.token);
    const key = created.json().instance.key as string;
    expect(created.json().instance).toMatchObject({
      kind: 'telegram',
      name: 'Support bot',
      settings: { botId: bot.id, botUsername: 'admin_api_bot', mode: 'polling' },
    });
    const listed = await call('GET', '/channel-instances?kind=telegram');
    expect(listed.json().items.map((i: { key: string }) => i.key)).toEqual([key]);
    expect(listed.body).not.toContain(bot.token);

    const renamed = await call('PATCH', `/channel-instances/${key}`, { name: 'Sales bot' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().instance).toMatchObject({ name: 'Sales bot', settings: { botUsername: 'admin_api_bot' } });
    const badToken = await call('PATCH', `/channel-instances/${key}`, { settings: { token: `456:${'y'.repeat(35)}` } });
    expect(badToken.statusCode).toBe(400);
    expect(badToken.json()).toMatchObject({ field: 'settings.token' });

    expect((await call('DELETE', `/channel-instances/${key}`)).statusCode).toBe(204);
    expect((await call('GET', `/channel-instances/${key}`)).statusCode).toBe(404);
  });

  it('creates a whatsapp number checked against the Cloud API, updates its token and removes it', async () => {
    const business = whatsapp.addBusiness();
    const number = business.addNumber('+7 903 987-65-43');
    const settings = {
      phoneNumberId: number.phoneNumberId,
      businessAccountId: business.id,
      accessToken: business.accessToken,
      appSecret: business.appSecret,
      verifyToken: 'admin-api-verify-token',
      graphRoot: whatsapp.graphRoot,
    };
    const wrongToken = await call('POST', '/channel-instances', {
      kind: 'whatsapp',
      name: 'Отдел продаж',
      settings: { ...settings, accessToken: 'E'.repeat(40) },
    });
    expect(wrongToken.statusCode).toBe(400);
    expect(wrongToken.json().field).toMatch(/^settings\./);

    const created = await call('POST', '/channel-instances', { kind: 'whatsapp', name: 'Отдел продаж', settings });
    expect(created.statusCode).toBe(201);
    for (const secret of [business.accessToken, business.appSecret]) expect(created.body).not.toContain(secret);
    const key = created.json().instance.key as string;
    expect(created.json().instance).toMatchObject({
      kind: 'whatsapp',
      name: 'Отдел продаж',
      settings: { phoneNumberId: number.phoneNumberId, businessAccountId: business.id },
    });

    const fresh = business.revokeToken();
    const updated = await call('PATCH', `/channel-instances/${key}`, { settings: { accessToken: fresh } });
    expect(updated.statusCode).toBe(200);
    expect(updated.body).not.toContain(fresh);
    const one = await call('GET', `/channel-instances/${key}`);
    expect(one.statusCode).toBe(200);
    for (const secret of [fresh, business.appSecret]) expect(one.body).not.toContain(secret);

    expect((await call('DELETE', `/channel-instances/${key}`)).statusCode).toBe(204);
    expect((await call('GET', `/channel-instances/${key}`)).statusCode).toBe(404);
  });
});
