import { randomBytes, randomUUID } from 'node:crypto';
import type { Sandbox, SandboxChatView, SandboxMessageView } from '@amojo-bridge/sandbox';
import { connectAccount } from '../../src/accounts/index.js';
import { sealSecretSettings } from '../../src/channels/instance-settings.js';
import { telegramChannelPlugin } from '../../src/channels/telegram/index.js';
import { telegramChatKey } from '../../src/channels/telegram/telegram-chat-key.js';
import { createLogger } from '../../src/log.js';
import type { Bridge } from '../../src/service/create-bridge.js';
import { upsertChannelInstance } from '../../src/store/channel-instances/index.js';
import { asAmojoAccountId, asChannelInstanceKey } from '../../src/store/ids.js';
import { upsertSource } from '../../src/store/sources/index.js';
import type { StoreDialect } from '../../src/store/store.js';
import { captureLogs } from './log-capture.js';
import { sandboxApi } from './sandbox-api.js';
import {
  type CustomerProfile,
  type EmulatedBot,
  type EmulatedCustomer,
  startTelegramEmulator,
  type TelegramEmulator,
} from './telegram-emulator/index.js';
import { TEST_CHANNEL_IDS, testChannelSandbox } from './test-channel.js';
import { createWorld } from './world.js';

/** Options of {@link createTelegramHarness}. */
export interface TelegramHarnessOptions {
  readonly engine: StoreDialect;
  readonly mode: 'polling' | 'webhook';
  /** More bridge settings (environment variables), e.g. `CHANNEL_ALERT_URL`. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A sandbox, the Telegram emulator with one bot, and a bridge running a telegram instance of that bot. */
export interface TelegramHarness {
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
  sandboxMessages(chatId: string): Promise<SandboxMessageView[]>;
  /** The manager sends a message through the sandbox control API; resolves with the sandbox messages it made. */
  sendManagerMessage(chatId: string, input: Record<string, unknown>): Promise<SandboxMessageView[]>;
  /** Uploads a file to the sandbox (as a manager attaching it) and returns its URL. */
  upload(fileName: string, mimeType: string, data: Buffer): Promise<{ url: string; fileSize: number }>;
  close(): Promise<void>;
}

/** Starts everything on real ports; the telegram instance is created before the bridge starts, as the CLI would. */
export async function createTelegramHarness(options: TelegramHarnessOptions): Promise<TelegramHarness> {
  const world = await createWorld({
    engine: options.engine,
    sandbox: ({ hookUrl }) =>
      testChannelSandbox(hookUrl, { name: 'Telegram test channel', account: { id: 777, subdomain: 'tg-test' } }),
    // The emulator accepts an http webhook on loopback (PUBLIC_URL); Telegram itself needs https.
    env: { LOG_LEVEL: 'debug', QUEUE_POLL_INTERVAL_MS: '100', ...options.env },
  });
  const { sandbox, bridgeUrl, config } = world;
  const { logs, destination, text: logText } = captureLogs();
  const instanceKey = `tg_${randomUUID().slice(0, 8)}`;
  const instanceSecret = randomBytes(32).toString('base64url');
  let emulator: TelegramEmulator;
  let bot: EmulatedBot;
  let bridge: Bridge;
  try {
    emulator = await startTelegramEmulator({ webhookRetryDelayMs: 50 });
    world.defer(() => emulator.close());
    bot = emulator.addBot({ username: 'shop_support_bot', firstName: 'Shop support' });
    bridge = await world.createBridge({ log: createLogger({ level: 'debug', destination }) });
    const account = await connectAccount(bridge, { accountId: asAmojoAccountId(TEST_CHANNEL_IDS.ACCOUNT_ID) });
    const settings = sealSecretSettings(telegramChannelPlugin, {
      instanceKey,
      settings: {
        token: bot.token,
        mode: options.mode,
        apiRoot: emulator.apiRoot,
        botId: bot.id,
        botUsername: bot.username,
      },
      encryptionKey: config.encryptionKey,
    });
    const instance = await upsertChannelInstance(bridge.store.db, {
      key: asChannelInstanceKey(instanceKey),
      kind: 'telegram',
      name: 'Support bot',
      accountId: account.id,
      settings,
      secret: instanceSecret,
      encryptionKey: config.encryptionKey,
      enabled: true,
    });
    await upsertSource(bridge.store.db, {
      accountId: account.id,
      externalId: 'telegram-test-source',
      channelInstanceId: instance.rowId,
      isDefault: true,
    });
    await bridge.start();
  } catch (error) {
    await world.close().catch(() => undefined);
    throw error;
  }
  const api = sandboxApi(sandbox.url);
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
    sandboxMessages: api.messages,
    sendManagerMessage: api.sendManagerMessage,
    upload: api.upload,
    close: () => world.close(),
  };
}
