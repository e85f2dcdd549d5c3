import { randomBytes, randomUUID } from 'node:crypto';
import { type Sandbox, type SandboxChatView, type SandboxMessageView, startSandbox } from '@amojo-bridge/sandbox';
import { connectAccount } from '../../src/accounts/index.js';
import { sealSecretSettings } from '../../src/channels/instance-settings.js';
import { whatsappChannelPlugin, whatsappWebhookPath } from '../../src/channels/whatsapp/index.js';
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
  type EmulatedBusiness,
  type EmulatedNumber,
  startWhatsAppEmulator,
  type WhatsAppEmulator,
} from './whatsapp-emulator/index.js';

const { CHANNEL_ID, CHANNEL_SECRET, ACCOUNT_ID, MANAGER_ID } = RELAY_TEST_IDS;

/** One business number connected as one instance and one amoCRM source. */
export interface HarnessNumber {
  readonly number: EmulatedNumber;
  readonly instanceKey: string;
  /** The source's external_id: the number's digits (as the guide's multi-source example names them). */
  readonly sourceExternalId: string;
}

/** A sandbox, the Cloud API emulator with one business and two numbers, and a bridge running both instances. */
export interface WhatsAppHarness {
  readonly engine: StoreDialect;
  readonly sandbox: Sandbox;
  readonly emulator: WhatsAppEmulator;
  readonly business: EmulatedBusiness;
  readonly sales: HarnessNumber;
  readonly support: HarnessNumber;
  readonly bridge: Bridge;
  readonly bridgeUrl: string;
  readonly verifyToken: string;
  /** The amojo scope of the connected account (for the sandbox's "write first"). */
  readonly scopeId: string;
  logText(): string;
  /** The sandbox chat of a customer of one number (after their first message reached amojo). */
  chatOf(number: HarnessNumber, waId: string): Promise<SandboxChatView | undefined>;
  sandboxMessages(chatId: string): Promise<SandboxMessageView[]>;
  sendManagerMessage(chatId: string, input: Record<string, unknown>): Promise<SandboxMessageView[]>;
  upload(fileName: string, mimeType: string, data: Buffer): Promise<{ url: string; fileSize: number }>;
  close(): Promise<void>;
}

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/** Starts everything on real ports; the instances are created before the bridge starts, as the CLI would. */
export async function createWhatsAppHarness(options: {
  readonly engine: StoreDialect;
  /** More bridge settings (environment variables), e.g. `CHANNEL_ALERT_URL`. */
  readonly env?: Readonly<Record<string, string>>;
}): Promise<WhatsAppHarness> {
  const database = await createTestDatabase(options.engine);
  const emulator = await startWhatsAppEmulator({ webhookRetryDelayMs: 50 });
  const business = emulator.addBusiness();
  business.addTemplate({ name: 'manager_reply', language: 'ru', body: 'Ответ менеджера: {{1}}' });
  const port = await freePort();
  const bridgeUrl = `http://127.0.0.1:${port}`;
  const sandbox = await startSandbox({
    channels: [
      {
        id: CHANNEL_ID,
        secret: CHANNEL_SECRET,
        name: 'WhatsApp test channel',
        hookUrl: `${bridgeUrl}/hooks/amojo/:scope_id`,
        hookApiVersion: 'v2',
        typingHooks: true,
      },
    ],
    accounts: [
      {
        amojoId: ACCOUNT_ID,
        id: 778,
        subdomain: 'wa-test',
        users: [{ id: 1, name: 'Manager One', amojoId: MANAGER_ID }],
      },
    ],
  });
  const { destination, text: logText } = captureLogs();
  const config = loadConfig({
    env: {
      AMOJO_CHANNEL_ID: CHANNEL_ID,
      AMOJO_CHANNEL_SECRET: CHANNEL_SECRET,
      AMOJO_BASE_URL: sandbox.url,
      DATABASE_URL: database.databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: bridgeUrl,
      LOG_LEVEL: 'debug',
      QUEUE_POLL_INTERVAL_MS: '100',
      ...options.env,
    },
  });
  const bridge = await createBridge({ config, log: createLogger({ level: 'debug', destination }) });
  const verifyToken = randomBytes(12).toString('hex');
  const numbers: HarnessNumber[] = [];
  let scopeId = '';
  try {
    const account = await connectAccount(bridge, { accountId: asAmojoAccountId(ACCOUNT_ID) });
    scopeId = account.scopeId;
    for (const [index, phone] of ['+7 903 987-65-43', '+7 900 123-45-67'].entries()) {
      const number = business.addNumber(phone);
      const instanceKey = `wa_${randomUUID().slice(0, 8)}`;
      const settings = sealSecretSettings(whatsappChannelPlugin, {
        instanceKey,
        settings: {
          phoneNumberId: number.phoneNumberId,
          businessAccountId: business.id,
          accessToken: business.accessToken,
          appSecret: business.appSecret,
          verifyToken,
          graphRoot: emulator.graphRoot,
          graphVersion: 'v21.0',
          templateLanguage: 'ru',
          displayPhoneNumber: `+${number.displayPhoneNumber}`,
          // The support number has a template for messages outside the 24-hour window; sales has none.
          ...(index === 1 ? { templateName: 'manager_reply' } : {}),
        },
        encryptionKey: config.encryptionKey,
      });
      const instance = await upsertChannelInstance(bridge.store.db, {
        key: asChannelInstanceKey(instanceKey),
        kind: 'whatsapp',
        name: index === 0 ? 'Отдел продаж' : 'Техническая поддержка',
        accountId: account.id,
        settings,
        secret: randomBytes(32).toString('base64url'),
        encryptionKey: config.encryptionKey,
        enabled: true,
      });
      await upsertSource(bridge.store.db, {
        accountId: account.id,
        externalId: number.displayPhoneNumber,
        channelInstanceId: instance.rowId,
        isDefault: index === 0,
      });
      numbers.push({ number, instanceKey, sourceExternalId: number.displayPhoneNumber });
    }
    await bridge.start();
    // As in the App Dashboard: one callback URL for the app (here the first instance's), checked by the handshake.
    await business.subscribe(`${bridgeUrl}${whatsappWebhookPath(numbers[0]!.instanceKey)}`, verifyToken);
  } catch (error) {
    await bridge.stop().catch(() => undefined);
    await Promise.all([sandbox.close(), emulator.close()]);
    await database.drop();
    throw error;
  }
  const api = `${sandbox.url}/_sandbox/api`;
  return {
    engine: options.engine,
    sandbox,
    emulator,
    business,
    sales: numbers[0]!,
    support: numbers[1]!,
    bridge,
    bridgeUrl,
    verifyToken,
    scopeId,
    logText,
    async chatOf(number, waId) {
      const conversation = await bridge.store.db
        .selectFrom('conversations')
        .innerJoin('channel_instances', 'channel_instances.id', 'conversations.channel_instance_id')
        .select('conversations.conversation_id')
        .where('conversations.channel_chat_key', '=', waId)
        .where('channel_instances.key', '=', number.instanceKey)
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
    upload: async (fileName, mimeType, data) =>
      (await json(
        await fetch(`${api}/uploads`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ fileName, mimeType, dataBase64: data.toString('base64') }),
        }),
      )) as { url: string; fileSize: number },
    async close() {
      await bridge.stop();
      await Promise.all([sandbox.close(), emulator.close()]);
      await database.drop();
    },
  };
}
