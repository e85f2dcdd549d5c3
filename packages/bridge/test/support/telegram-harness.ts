import { randomBytes, randomUUID } from 'node:crypto';
import { type Sandbox, type SandboxChatView, type SandboxMessageView, startSandbox } from '@amojo-bridge/sandbox';
import { connectAccount } from '../../src/accounts/index.js';
import { sealSecretSettings } from '../../src/channels/instance-settings.js';
import { telegramChannelPlugin } from '../../src/channels/telegram/index.js';
import { telegramChatKey } from '../../src/channels/telegram/telegram-chat-key.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { type Bridge, createBridge } from '../../src/service/create-bridge.js';
import { upsertChannelInstance } from '../../src/store/channel-instances/index.js';
import { asAmojoAccountId, asChannelInstanceKey } from '../../src/store/ids.js';
import { upsertSource } from '../../src/store/sources/index.js';
import type { StoreDialect } from '../../src/store/store.js';
import { createTestDatabase } from './databases.js';
import { captureLogs } from './log-capture.js';
import { freePort } from './ports.js';
import { RELAY_TEST_IDS } from './relay-harness.js';
import {
  type CustomerProfile,
  type EmulatedBot,
  type EmulatedCustomer,
  startTelegramEmulator,
  type TelegramEmulator,
} from './telegram-emulator/index.js';

const { CHANNEL_ID, CHANNEL_SECRET, ACCOUNT_ID, MANAGER_ID } = RELAY_TEST_IDS;

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

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/** Starts everything on real ports; the telegram instance is created before the bridge starts, as the CLI would. */
export async function createTelegramHarness(options: TelegramHarnessOptions): Promise<TelegramHarness> {
  const database = await createTestDatabase(options.engine);
  const emulator = await startTelegramEmulator({ webhookRetryDelayMs: 50 });
  const bot = emulator.addBot({ username: 'shop_support_bot', firstName: 'Shop support' });
  const port = await freePort();
  const bridgeUrl = `http://127.0.0.1:${port}`;
  const sandbox = await startSandbox({
    channels: [
      {
        id: CHANNEL_ID,
        secret: CHANNEL_SECRET,
        name: 'Telegram test channel',
        hookUrl: `${bridgeUrl}/hooks/amojo/:scope_id`,
        hookApiVersion: 'v2',
        typingHooks: true,
      },
    ],
    accounts: [
      {
        amojoId: ACCOUNT_ID,
        id: 777,
        subdomain: 'tg-test',
        users: [{ id: 1, name: 'Manager One', amojoId: MANAGER_ID }],
      },
    ],
  });
  const { logs, destination, text: logText } = captureLogs();
  const config = loadConfig({
    env: {
      AMOJO_CHANNEL_ID: CHANNEL_ID,
      AMOJO_CHANNEL_SECRET: CHANNEL_SECRET,
      AMOJO_BASE_URL: sandbox.url,
      DATABASE_URL: database.databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      // The emulator accepts an http webhook on loopback; Telegram itself needs https.
      PUBLIC_URL: bridgeUrl,
      LOG_LEVEL: 'debug',
      QUEUE_POLL_INTERVAL_MS: '100',
      ...options.env,
    },
  });
  const bridge = await createBridge({ config, log: createLogger({ level: 'debug', destination }) });
  const instanceKey = `tg_${randomUUID().slice(0, 8)}`;
  const instanceSecret = randomBytes(32).toString('base64url');
  try {
    const account = await connectAccount(bridge, { accountId: asAmojoAccountId(ACCOUNT_ID) });
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
    await bridge.stop().catch(() => undefined);
    await Promise.all([sandbox.close(), emulator.close()]);
    await database.drop();
    throw error;
  }
  const api = `${sandbox.url}/_sandbox/api`;
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
      if (!conversation) return undefined;
      const chats = (await json(await fetch(`${api}/chats`))) as SandboxChatView[];
      return chats.find((chat) => chat.conversationId === conversation.conversation_id);
    },
    sandboxMessages: async (chatId) =>
      (await json(await fetch(`${api}/chats/${chatId}/messages`))) as SandboxMessageView[],
    async sendManagerMessage(chatId, input) {
      const answer = (await json(
        await fetch(`${api}/chats/${chatId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        }),
      )) as { messages: SandboxMessageView[] };
      return answer.messages;
    },
    async upload(fileName, mimeType, data) {
      const answer = (await json(
        await fetch(`${api}/uploads`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ fileName, mimeType, dataBase64: data.toString('base64') }),
        }),
      )) as { url: string; fileSize: number };
      return answer;
    },
    async close() {
      await bridge.stop();
      await Promise.all([sandbox.close(), emulator.close()]);
      await database.drop();
    },
  };
}
