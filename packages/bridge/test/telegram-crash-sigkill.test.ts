import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { telegramChannelPlugin } from '../src/channels/telegram/index.js';
import { bridgeProcess } from './support/bridge-process.js';
import { ENGINES } from './support/databases.js';
import * as crashRun from './support/messenger-crash-run.js';
import { startTelegramEmulator } from './support/telegram-emulator/index.js';

// The crash test for the Telegram channel, in both update modes: the bridge CLI runs as a child process and is
// killed with SIGKILL at random moments while 200 customer messages (Telegram updates from the emulator) and 200
// manager messages (sandbox control API) flow; after restarts both sides are compared by text: nothing lost,
// nothing duplicated, order kept per chat. Telegram (the emulator) keeps an update until the bridge confirms it
// (webhook 200, or a getUpdates offset past it), which the bridge does only once it is durable.

const CASES = ENGINES.flatMap((engine) => (['polling', 'webhook'] as const).map((mode) => ({ engine, mode }))).filter(
  (c) => !process.env.TELEGRAM_CRASH_CASE || `${c.engine}-${c.mode}` === process.env.TELEGRAM_CRASH_CASE,
);

describe.each(CASES)('telegram crash: SIGKILL during 200 messages each way ($engine, $mode)', ({ engine, mode }) => {
  const crash = crashRun.useCrashWorld(engine, () => startTelegramEmulator({ webhookRetryDelayMs: 100 }));

  it('loses nothing and keeps order per chat; inbound duplicates nothing, outbound repeats only sends in flight at a kill', {
    timeout: 600_000,
  }, async () => {
    const bot = crash.emulator.addBot({ username: 'crash_bot' });

    // Set-up: the account and a telegram instance of this bot, stored as `channels add telegram` stores it.
    const key = `tg_crash_${mode}`;
    await crashRun.storeCrashInstance(crash.world, {
      plugin: telegramChannelPlugin,
      kind: 'telegram',
      key,
      name: 'Crash bot',
      settings: { token: bot.token, mode, apiRoot: crash.emulator.apiRoot, botId: bot.id, botUsername: bot.username },
      secret: randomBytes(32).toString('base64url'),
      sourceExternalId: key,
    });

    const bridge = bridgeProcess(crash.world.env);
    crash.bridge = bridge;
    await bridge.start();
    const customers: crashRun.CrashCustomer[] = Array.from({ length: crashRun.CRASH_CONVERSATIONS }, (_, i) => {
      const customer = bot.customer({ firstName: 'Client', lastName: String(i) });
      return {
        send: (text) => customer.send({ text }),
        received: () => customer.received().map((m) => m.text ?? ''),
      };
    });
    const expected = crashRun.CRASH_CONVERSATIONS * crashRun.CRASH_PER_CONVERSATION;
    const run = crashRun.crashRunOptions({ crash, customers, messenger: 'telegram', caseName: `${engine}/${mode}` });
    const traffic = await crashRun.pumpThroughKills(run);
    expect(traffic.managerFailures).toBe(0);
    const { inbound, outbound } = await crashRun.drainAndCount(run, traffic);
    const report = {
      engine,
      mode,
      ...crashRun.crashReport(run, traffic, { inbound, outbound }),
      telegram: {
        updatesCreated: bot.updates.created.length,
        pendingAtEnd: bot.updates.pending().length,
        getUpdatesCalls: bot.callsOf('getUpdates').length,
        webhookDeliveries: bot.webhookDeliveries.length,
        webhookFailedDeliveries: bot.webhookDeliveries.filter((d) => d.status !== 200).length,
        sendMessageCalls: bot.callsOf('sendMessage').length,
      },
    };
    console.log(`TELEGRAM CRASH REPORT ${JSON.stringify(report)}`);
    expect(report.inbound).toMatchObject({ missing: 0, duplicates: 0, outOfOrder: 0, wrongChat: 0, rows: expected });
    expect(report.outbound).toMatchObject({ missing: 0, outOfOrder: 0, wrongChat: 0 });
    // The Bot API has no idempotency key and no way to read a chat back, so a send Telegram accepted just before a
    // SIGKILL, whose outcome the killed process never committed, is sent again after the restart (at-least-once).
    // Each kill can repeat at most the sends in flight: one per queue slot (QUEUE_CONCURRENCY, 8 here).
    expect(report.outbound.duplicates).toBeLessThanOrEqual(traffic.kills * 8);
    expect(await bridge.stop()).toBe(0);
  });
});
