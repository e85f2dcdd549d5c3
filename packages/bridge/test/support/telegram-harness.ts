import { randomBytes, randomUUID } from 'node:crypto';
import type { Sandbox, SandboxChatView } from '@amojo-bridge/sandbox';
import { connectAccount } from '../../src/accounts/index.js';
import { telegramChannelPlugin } from '../../src/channels/telegram/index.js';
import { telegramChatKey } from '../../src/channels/telegram/telegram-chat-key.js';
import { createLogger } from '../../src/log.js';
import type { Bridge } from '../../src/service/create-bridge.js';
import { asAmojoAccountId } from '../../src/store/ids.js';
import type { StoreDialect } from '../../src/store/store.js';
import { captureLogs } from './log-capture.js';
import { storeMessengerInstance } from './messenger-instance.js';
import { type MessengerSandboxCalls, messengerSandboxCalls, sandboxApi } from './sandbox-api.js';
import {
  type CustomerProfile,
  type EmulatedBot,
  type EmulatedCustomer,
  startTelegramEmulator,
  type TelegramEmulator,
} from './telegram-emulator/index.js';
import { createMessengerWorld, TEST_CHANNEL_IDS } from './test-channel.js';
import { setUpOrClose } from './world.js';

/** Options of {@link createTelegramHarness}. */
export interface TelegramHarnessOptions {
  readonly engine: StoreDialect;
  readonly mode: 'polling' | 'webhook';
  /** More bridge settings (environment variables), e.g. `CHANNEL_ALERT_URL`. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A sandbox, the Telegram emulator with one bot, and a bridge running a telegram instance of that bot. */
export interface TelegramHarness extends MessengerSandboxCalls {
  readonly engine: StoreDialect;
  readonly mode: 'polling' | 'webhook';
  readonly sandbox: Sandbox;
  readonly emulator: TelegramEmulator;
  readonly bot: EmulatedBot;
  readonly bridge: Bridge;
  readonly bridgeUrl: string;
  readonly instanceKey: string;
  /** The webhook secret_token (the instance secret). */
  readonly instanceSecret: string;
  readonly logs: Record<string, unknown>[];
  /** Every line the bridge logged, as text (to check that no token leaked). */
  logText(): string;
  customer(profile?: CustomerProfile): EmulatedCustomer;
  /** The sandbox chat of a customer (after their first message reached amojo). */
  chatOf(customer: EmulatedCustomer): Promise<SandboxChatView | undefined>;
  close(): Promise<void>;
}

const TELEGRAM_WORLD = { name: 'Telegram test channel', account: { id: 777, subdomain: 'tg-test' } } as const;

/** Starts everything on real ports; the telegram instance is created before the bridge starts, as the CLI would. */
export async function createTelegramHarness(options: TelegramHarnessOptions): Promise<TelegramHarness> {
  // The emulator accepts an http webhook on loopback (the world's PUBLIC_URL); Telegram itself needs https.
  const world = await createMessengerWorld({ ...TELEGRAM_WORLD, engine: options.engine, env: options.env });
  const { sandbox, bridgeUrl, config } = world;
  const api = sandboxApi(sandbox.url);
  const { logs, destination, text: logText } = captureLogs();
  const instanceKey = `tg_${randomUUID().slice(0, 8)}`;
  const instanceSecret = randomBytes(32).toString('base64url');
  const { emulator, bot, bridge } = await setUpOrClose(world, async () => {
    const emulator = await startTelegramEmulator({ webhookRetryDelayMs: 50 });
    world.defer(() => emulator.close());
    const bot = emulator.addBot({ username: 'shop_support_bot', firstName: 'Shop support' });
    const bridge = await world.createBridge({ log: createLogger({ level: 'debug', destination }) });
    const account = await connectAccount(bridge, { accountId: asAmojoAccountId(TEST_CHANNEL_IDS.ACCOUNT_ID) });
    await storeMessengerInstance(bridge.store.db, {
      plugin: telegramChannelPlugin,
      kind: 'telegram',
      key: instanceKey,
      name: 'Support bot',
      accountId: account.id,
      settings: {
        token: bot.token,
        mode: options.mode,
        apiRoot: emulator.apiRoot,
        botId: bot.id,
        botUsername: bot.username,
      },
      secret: instanceSecret,
      encryptionKey: config.encryptionKey,
      sourceExternalId: 'telegram-test-source',
      isDefault: true,
    });
    await bridge.start();
    return { emulator, bot, bridge };
  });
  return {
    engine: options.engine,
    mode: options.mode,
    sandbox,
    emulator,
    bot,
    bridge,
    bridgeUrl,
    instanceKey,
    instanceSecret,
    logs,
    logText,
    customer: (profile) => bot.customer(profile),
    async chatOf(customer) {
      const conversation = await bridge.store.db
        .selectFrom('conversations')
        .select('conversation_id')
        .where('channel_chat_key', '=', telegramChatKey(bot.id, customer.chatId))
        .executeTakeFirst();
      return conversation ? api.chatOfConversation(conversation.conversation_id) : undefined;
    },
    ...messengerSandboxCalls(api),
    close: () => world.close(),
  };
}
