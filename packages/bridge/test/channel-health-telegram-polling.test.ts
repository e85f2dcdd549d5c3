import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listManagedInstances } from '../src/channels/manage-instances.js';
import { startAlertReceiver } from './support/alert-receiver.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { createTelegramHarness, type TelegramHarness } from './support/telegram-harness.js';

const PROBE_MS = 300;

// A polling bot whose token is revoked (channels/telegram/telegram-polling.ts): getUpdates answers 401, the instance
// turns broken (bad_credentials) with no send at all and one alert; polling goes on at CHANNEL_HOLD_PROBE_MS, an
// answer sent meanwhile is held; once Telegram accepts the token again the next poll turns the instance ok (the
// recovery alert), the held answer goes out and customer messages flow again. Both engines.
describe.each(ENGINES)('channel health of a polling telegram bot (%s)', (engine) => {
  let h: TelegramHarness;
  let receiver: Awaited<ReturnType<typeof startAlertReceiver>>;
  beforeAll(async () => {
    receiver = await startAlertReceiver();
    h = await createTelegramHarness({
      engine,
      mode: 'polling',
      env: { CHANNEL_ALERT_URL: receiver.url, QUEUE_POLL_INTERVAL_MS: '50', CHANNEL_HOLD_PROBE_MS: String(PROBE_MS) },
    });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => receiver?.server.close(() => resolve()));
  });

  const healthOf = async () =>
    (await listManagedInstances(h.bridge, { kind: 'telegram' })).find((e) => e.instance.key === h.instanceKey)!.health;
  const statusOf = async (chatId: string, text: string) =>
    (await h.sandboxMessages(chatId)).find((m) => m.text === text)?.status;

  it('turns broken when getUpdates is refused, keeps polling slowly, and recovers by itself', async () => {
    const ann = h.customer({ firstName: 'Ann' });
    ann.send({ text: 'hello' });
    const chat = await waitFor('the chat in the sandbox', () => h.chatOf(ann));

    h.bot.revoked = true;
    const revokedAt = Date.now();
    // The long poll in flight (started with the good token) returns this; the next one is refused.
    ann.send({ text: 'while the poll was in flight' });
    const broken = await waitFor('health broken by polling', async () => {
      const health = await healthOf();
      return health.state === 'broken' ? health : undefined;
    });
    expect(broken).toMatchObject({ problem: 'bad_credentials', reason: expect.stringContaining('polling') });
    await waitFor('the broken alert', () => receiver.alerts.find((a) => a.body.to === 'broken'));
    expect(h.logs.some((l) => l.event === 'telegram_token_refused')).toBe(true);

    // An answer meanwhile is held, not failed; polling goes on, at the slow pace only.
    await h.sendManagerMessage(chat.id, { text: 'answer while revoked' });
    await waitFor('three refused polls', () => h.bot.refusedCalls.filter((m) => m === 'getUpdates').length >= 3);
    const polls = h.bot.refusedCalls.filter((m) => m === 'getUpdates').length;
    expect(polls).toBeLessThanOrEqual(Math.floor((Date.now() - revokedAt) / PROBE_MS) + 2);
    expect(await statusOf(chat.id, 'answer while revoked')).not.toBe('error');

    h.bot.revoked = false;
    await waitFor('health ok again', async () => (await healthOf()).state === 'ok');
    const recovery = await waitFor('the recovery alert', () => receiver.alerts.find((a) => a.body.to === 'ok'));
    expect(recovery.body).toMatchObject({ from: 'broken', instance: { key: h.instanceKey } });
    await waitFor(
      'the held answer delivered',
      async () => (await statusOf(chat.id, 'answer while revoked')) === 'delivered',
    );
    expect(ann.received().filter((m) => m.text === 'answer while revoked')).toHaveLength(1);
    ann.send({ text: 'back again' });
    await waitFor('the customer heard again', async () =>
      (await h.sandboxMessages(chat.id)).some((m) => m.text === 'back again'),
    );
    expect(receiver.alerts.filter((a) => a.body.to === 'broken')).toHaveLength(1);
    expect(h.logText()).not.toContain(h.bot.token);
  }, 180_000);
});
