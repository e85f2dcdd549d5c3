import { DEMO, type SandboxChatView, type SandboxMessageView } from '@amojo-bridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../src/cli/index.js';
import type { Bridge } from '../src/service/create-bridge.js';
import { ENGINES } from './support/databases.js';
import { shareResourcesAcrossTests } from './support/leak-check.js';
import { waitFor } from './support/relay-harness.js';
import { bridgeFor, createServiceWorld, type ServiceWorld } from './support/service-harness.js';
import { startTelegramEmulator, type TelegramEmulator } from './support/telegram-emulator/index.js';

// The README's "three commands": connect, `channels add telegram --set token=...` (checked with getMe), start; then
// a customer's message reaches amoCRM and the manager's answer reaches the customer. The emulator stands in for
// Telegram through the instance's apiRoot setting.
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

  it('checks the token, says which bot it is, never prints the token, and the bot relays both ways', async () => {
    const bot = emulator.addBot({ username: 'northwind_bot', firstName: 'Northwind' });
    expect((await run(['connect', '--account-id', DEMO.accountAmojoId], world.env)).code).toBe(0);
    const unknown = await run(
      [
        'channels',
        'add',
        'telegram',
        '--name',
        'Support bot',
        '--set',
        `token=123:${'x'.repeat(35)}`,
        '--set',
        `apiRoot=${emulator.apiRoot}`,
      ],
      world.env,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/token/);
    expect(unknown.stderr).toMatch(/does not know this token/);

    const added = await run(
      [
        'channels',
        'add',
        'telegram',
        '--name',
        'Support bot',
        '--set',
        `token=${bot.token}`,
        '--set',
        `apiRoot=${emulator.apiRoot}`,
      ],
      world.env,
    );
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
    const chat = await waitFor('the chat in the sandbox', async () => {
      const chats = (await (await fetch(`${world.sandbox.url}/_sandbox/api/chats`)).json()) as SandboxChatView[];
      return chats.find((c) => c.client.name === 'Ann');
    });
    const messages = (await (
      await fetch(`${world.sandbox.url}/_sandbox/api/chats/${chat.id}/messages`)
    ).json()) as SandboxMessageView[];
    expect(messages.map((m) => m.text)).toEqual(['Is the shop open on Sunday?']);
    const answer = await fetch(`${world.sandbox.url}/_sandbox/api/chats/${chat.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Yes, 10 to 16' }),
    });
    expect(answer.status).toBe(200);
    await waitFor('the answer at the customer', () => ann.received().find((m) => m.text === 'Yes, 10 to 16'));
  });

  // The running bridge re-reads instances every 30 s, so this test may wait that long: bounded at 90 s.
  it('adds a webhook-mode bot (the running bridge sets the webhook) and removing it deletes the webhook', {
    timeout: 90_000,
  }, async () => {
    const bot = emulator.addBot({ username: 'hooked_bot' });
    const added = await run(
      [
        'channels',
        'add',
        'telegram',
        '--name',
        'Hooked',
        '--set',
        `token=${bot.token}`,
        '--set',
        `apiRoot=${emulator.apiRoot}`,
        '--set',
        'mode=webhook',
      ],
      world.env,
    );
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
