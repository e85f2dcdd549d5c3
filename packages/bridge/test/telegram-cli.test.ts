import { DEMO } from '@amojo-bridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../src/service/create-bridge.js';
import { ENGINES } from './support/databases.js';
import { shareResourcesAcrossTests } from './support/leak-check.js';
import { waitFor } from './support/relay-harness.js';
import { cliSettings, runCliCaptured as run } from './support/run-cli-captured.js';
import { sandboxApi } from './support/sandbox-api.js';
import { bridgeFor, createServiceWorld, type ServiceWorld } from './support/service-harness.js';
import { startTelegramEmulator, type TelegramEmulator } from './support/telegram-emulator/index.js';

// The README's "three commands": connect, `channels add telegram --set token=...` (checked with getMe), start; then
// a customer's message reaches amoCRM and the manager's answer reaches the customer. The emulator stands in for
// Telegram through the instance's apiRoot setting.
describe.each(ENGINES)('amojo-bridge channels add telegram, then start (%s)', (engine) => {
  let world: ServiceWorld;
  let emulator: TelegramEmulator;
  let bridge: Bridge | undefined;
  // The first test starts the bridge; the second adds a bot to the running bridge.
  shareResourcesAcrossTests();
  beforeAll(async () => {
    world = await createServiceWorld(engine);
    emulator = await startTelegramEmulator();
  });
  afterAll(async () => {
    await bridge?.stop();
    await emulator?.close();
    await world?.close();
  });

  const addTelegram = (name: string, settings: Record<string, string>) =>
    run(['channels', 'add', 'telegram', '--name', name, ...cliSettings(settings)], world.env);

  it('checks the token, says which bot it is, never prints the token, and the bot relays both ways', async () => {
    const bot = emulator.addBot({ username: 'northwind_bot', firstName: 'Northwind' });
    expect((await run(['connect', '--account-id', DEMO.accountAmojoId], world.env)).code).toBe(0);
    const unknown = await addTelegram('Support bot', { token: `123:${'x'.repeat(35)}`, apiRoot: emulator.apiRoot });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/token/);
    expect(unknown.stderr).toMatch(/does not know this token/);

    const added = await addTelegram('Support bot', { token: bot.token, apiRoot: emulator.apiRoot });
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(`bot @northwind_bot (Northwind, id ${bot.id})`);
    expect(added.stdout + added.stderr).not.toContain(bot.token);
    const listed = await run(['channels', 'list', '--json'], world.env);
    expect(listed.stdout).toContain('northwind_bot');
    expect(listed.stdout).not.toContain(bot.token);

    bridge = await bridgeFor(world);
    await bridge.start();
    const ann = bot.customer({ firstName: 'Ann' });
    ann.send({ text: 'Is the shop open on Sunday?' });
    const api = sandboxApi(world.sandbox.url);
    const chat = await api.chatOfClient('Ann');
    expect((await api.messages(chat.id)).map((m) => m.text)).toEqual(['Is the shop open on Sunday?']);
    expect(await api.sendManagerText(chat.id, 'Yes, 10 to 16')).toBe(200);
    await waitFor('the answer at the customer', () => ann.received().find((m) => m.text === 'Yes, 10 to 16'));
  });

  // The running bridge re-reads instances every 30 s, so this test may wait that long: bounded at 90 s.
  it('adds a webhook-mode bot (the running bridge sets the webhook) and removing it deletes the webhook', {
    timeout: 90_000,
  }, async () => {
    const bot = emulator.addBot({ username: 'hooked_bot' });
    const added = await addTelegram('Hooked', { token: bot.token, apiRoot: emulator.apiRoot, mode: 'webhook' });
    expect(added.code).toBe(0);
    const key = /instance: (\S+)/.exec(added.stdout)?.[1];
    expect(key).toBeTruthy();
    expect(added.stdout).toContain(`${world.env.PUBLIC_URL}/channels/telegram/${key}/webhook`);
    // The running bridge picks the instance up (its re-sync) and sets the webhook with the secret token.
    await waitFor('the webhook at Telegram', () => bot.webhook, 60_000);
    expect(bot.webhook).toMatchObject({
      url: `${world.env.PUBLIC_URL}/channels/telegram/${key}/webhook`,
      maxConnections: 1,
    });
    expect(bot.webhook?.secretToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    bot.customer({ firstName: 'Hook' }).send({ text: 'via webhook' });
    await waitFor('the webhook update confirmed', () => bot.webhookDeliveries.some((d) => d.status === 200));
    const removed = await run(['channels', 'remove', key!], world.env);
    expect(removed.code).toBe(0);
    expect(bot.webhook).toBeUndefined();
  });
});
