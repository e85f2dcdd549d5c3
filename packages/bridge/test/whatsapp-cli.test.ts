// `amojo-bridge channels add whatsapp ...` as the README documents it, checked with the Cloud API emulator: the token
// and number are checked with Meta, the template must be APPROVED, secrets are never printed.
import { DEMO } from '@amojo-bridge/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../src/service/create-bridge.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { cliSettings, runCliCaptured as run } from './support/run-cli-captured.js';
import { sandboxApi } from './support/sandbox-api.js';
import { bridgeFor, createServiceWorld, type ServiceWorld } from './support/service-harness.js';
import {
  type EmulatedBusiness,
  startWhatsAppEmulator,
  type WhatsAppEmulator,
} from './support/whatsapp-emulator/index.js';

describe.each(ENGINES)('amojo-bridge channels add whatsapp (%s)', (engine) => {
  let world: ServiceWorld;
  let emulator: WhatsAppEmulator;
  let business: EmulatedBusiness;
  let bridge: Bridge | undefined;
  beforeAll(async () => {
    world = await createServiceWorld(engine);
    emulator = await startWhatsAppEmulator();
    business = emulator.addBusiness();
    business.addTemplate({ name: 'manager_reply', language: 'ru', body: 'Ответ: {{1}}' });
    business.addTemplate({ name: 'pending_one', language: 'ru', body: '{{1}}', status: 'PENDING' });
  });
  afterEach(async () => {
    await bridge?.stop();
    bridge = undefined;
  });
  afterAll(async () => {
    await world?.close();
    await emulator?.close();
  });

  const add = (
    number: { phoneNumberId: string; displayPhoneNumber: string },
    extra: string[] = [],
    token = business.accessToken,
  ) =>
    run(
      [
        'channels',
        'add',
        'whatsapp',
        '--key',
        number.displayPhoneNumber,
        '--name',
        'Отдел продаж',
        ...cliSettings({
          phoneNumberId: number.phoneNumberId,
          businessAccountId: business.id,
          accessToken: token,
          appSecret: business.appSecret,
          verifyToken: 'my-verify-token',
          graphRoot: emulator.graphRoot,
        }),
        ...extra,
      ],
      world.env,
    );

  it('checks the number and template with Meta and prints the callback URL, never a secret', async () => {
    const number = business.addNumber('+7 903 987-65-43');
    const added = await add(number, ['--set', 'templateName=manager_reply', '--set', 'templateLanguage=ru']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('number +79039876543');
    expect(added.stdout).toContain('template manager_reply (ru)');
    expect(added.stdout).toContain(`callbackUrl: http://127.0.0.1:${world.port}/channels/whatsapp/79039876543/webhook`);
    for (const secret of [business.accessToken, business.appSecret, 'my-verify-token']) {
      expect(added.stdout).not.toContain(secret);
    }
    const listed = await run(['channels', 'list'], world.env);
    expect(listed.stdout).toContain('79039876543');
    expect(listed.stdout).not.toContain(business.accessToken);
  });

  it("the README's three steps: connect, channels add whatsapp, start, subscribe the callback; then both ways", async () => {
    expect((await run(['connect', '--account-id', DEMO.accountAmojoId], world.env)).code).toBe(0);
    const number = business.addNumber('+7 916 000-11-22');
    const added = await add(number);
    expect(added.code).toBe(0);
    const callbackUrl = /callbackUrl: (\S+)/.exec(added.stdout)?.[1];
    expect(callbackUrl).toBe(`http://127.0.0.1:${world.port}/channels/whatsapp/79160001122/webhook`);
    bridge = await bridgeFor(world);
    await bridge.start();
    // In Meta's App Dashboard: the callback URL and the verify token (the handshake must echo the challenge).
    await business.subscribe(callbackUrl!, 'my-verify-token');
    const ann = number.customer('79161234567', 'Ann');
    ann.send({ type: 'text', body: 'Do you deliver on Sunday?' });
    const api = sandboxApi(world.sandbox.url);
    const chat = await api.chatOfClient('Ann');
    expect((await api.messages(chat.id)).map((m) => m.text)).toEqual(['Do you deliver on Sunday?']);
    expect(await api.sendManagerText(chat.id, 'Yes, until 18:00')).toBe(200);
    const received = await waitFor('the answer on the phone', () =>
      ann.received.find((b) => (b as { text?: { body?: string } }).text?.body === 'Yes, until 18:00'),
    );
    expect(received).toMatchObject({ to: '79161234567', type: 'text' });
  });

  it('refuses a bad token, an unknown number and a template that is not approved, naming the setting', async () => {
    const number = business.addNumber('+7 900 123-45-67');
    const pending = await add(number, ['--set', 'templateName=pending_one', '--set', 'templateLanguage=ru']);
    expect(pending.code).toBe(2);
    expect(pending.stderr).toMatch(/templateName.*PENDING, not APPROVED/);
    const unknown = await add({ phoneNumberId: '55555555555', displayPhoneNumber: '79005555555' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/phoneNumberId/);
    const old = business.accessToken;
    business.revokeToken();
    const revoked = await add(number, [], old);
    expect(revoked.code).toBe(2);
    expect(revoked.stderr).toMatch(/accessToken.*190/);
  });
});
