import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listManagedInstances } from '../src/channels/manage-instances.js';
import { startAlertReceiver } from './support/alert-receiver.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { createTelegramHarness, type TelegramHarness } from './support/telegram-harness.js';

// Channel health end to end: the bot's token is revoked in the Telegram emulator, a manager answer fails with 401,
// the instance turns broken (bad_credentials) in the store, the CLI/admin view and /metrics, and the operator's
// webhook gets one signed alert; the answer is held, not failed. The token works again: the held answer's next probe
// is delivered, then the answer sent after it, the instance is ok and a recovery alert follows. Both engines.
const ALERT_SECRET = 'alert-hmac-key-for-tests';

describe.each(ENGINES)('channel health of a telegram instance (%s)', (engine) => {
  let h: TelegramHarness;
  let receiver: Awaited<ReturnType<typeof startAlertReceiver>>;
  beforeAll(async () => {
    receiver = await startAlertReceiver();
    h = await createTelegramHarness({
      engine,
      mode: 'webhook',
      env: {
        CHANNEL_ALERT_URL: receiver.url,
        CHANNEL_ALERT_SECRET: ALERT_SECRET,
        QUEUE_POLL_INTERVAL_MS: '50',
        CHANNEL_HOLD_PROBE_MS: '200',
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => receiver?.server.close(() => resolve()));
  });

  const healthOf = async () => {
    const found = await listManagedInstances(h.bridge, { kind: 'telegram' });
    return found.find((entry) => entry.instance.key === h.instanceKey)!.health;
  };
  const metricLine = async (state: string) => {
    const text = await (await fetch(`${h.bridgeUrl}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('amojo_bridge_channel_health{') &&
          l.includes(`instance="${h.instanceKey}"`) &&
          l.includes(`state="${state}"`),
      );
    return line?.split(' ').at(-1);
  };
  const statusOf = async (chatId: string, text: string) =>
    (await h.sandboxMessages(chatId)).find((m) => m.text === text)?.status;

  it('turns broken on a revoked token, alerts once, and recovers with an alert after the next delivered answer', async () => {
    const ann = h.customer({ firstName: 'Ann' });
    ann.send({ text: 'hello' });
    const chat = await waitFor('the chat in the sandbox', () => h.chatOf(ann));
    await h.sendManagerMessage(chat.id, { text: 'first answer' });
    await waitFor('first answer delivered', async () => (await statusOf(chat.id, 'first answer')) === 'delivered');
    await waitFor('health ok', async () => (await healthOf()).state === 'ok');
    expect(await metricLine('ok')).toBe('1');

    h.bot.revoked = true;
    await h.sendManagerMessage(chat.id, { text: 'second answer' });
    const broken = await waitFor('health broken', async () => {
      const health = await healthOf();
      return health.state === 'broken' ? health : undefined;
    });
    expect(broken.problem).toBe('bad_credentials');
    expect(broken.reason).toContain('Telegram refused the bot token');
    expect(await metricLine('broken')).toBe('1');
    expect(await metricLine('ok')).toBe('0');
    const [alert] = await waitFor('the broken alert', () =>
      receiver.alerts.length >= 1 ? receiver.alerts : undefined,
    );
    expect(alert!.body).toMatchObject({
      type: 'channel_health_changed',
      instance: { key: h.instanceKey, kind: 'telegram', name: 'Support bot' },
      from: 'ok',
      to: 'broken',
      problem: 'bad_credentials',
    });
    const signature = `sha256=${createHmac('sha256', ALERT_SECRET).update(alert!.text).digest('hex')}`;
    expect(alert!.headers['x-amojo-bridge-signature']).toBe(signature);
    expect(alert!.text).not.toContain(h.bot.token);
    expect(
      h.logs.some((l) => l.event === 'channel_health_changed' && l.to === 'broken' && l.instanceId === h.instanceKey),
    ).toBe(true);

    // Held, not failed: amoCRM shows no -1 while the token is revoked.
    expect(await statusOf(chat.id, 'second answer')).not.toBe('error');

    h.bot.revoked = false;
    await h.sendManagerMessage(chat.id, { text: 'third answer' });
    await waitFor('third answer delivered', async () => (await statusOf(chat.id, 'third answer')) === 'delivered');
    expect(await statusOf(chat.id, 'second answer')).toBe('delivered');
    expect(
      ann
        .received()
        .map((m) => m.text)
        .filter((t) => t?.endsWith(' answer')),
    ).toEqual(['first answer', 'second answer', 'third answer']);
    await waitFor('health ok again', async () => (await healthOf()).state === 'ok');
    const recovery = await waitFor('the recovery alert', () => receiver.alerts.find((a) => a.body.to === 'ok'));
    expect(recovery.body).toMatchObject({ from: 'broken', to: 'ok', instance: { key: h.instanceKey } });
    // One alert per change, even though the first delivery attempt of the broken alert was refused and retried.
    expect(receiver.alerts.filter((a) => a.body.to === 'broken')).toHaveLength(1);
    expect(receiver.alerts.map((a) => a.headers['x-amojo-bridge-event-id'])).toEqual([
      alert!.headers['x-amojo-bridge-event-id'],
      recovery.headers['x-amojo-bridge-event-id'],
    ]);
    // Neither the token nor the alert URL's secret path nor the alert key appears in a log line.
    for (const secret of [h.bot.token, 's3cr3t-path', ALERT_SECRET]) expect(h.logText()).not.toContain(secret);
  }, 180_000);
});
