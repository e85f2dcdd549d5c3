import { randomBytes, randomUUID } from 'node:crypto';
import type { Sandbox, SandboxChatView } from '@amojo-bridge/sandbox';
import { connectAccount } from '../../src/accounts/index.js';
import { whatsappChannelPlugin, whatsappWebhookPath } from '../../src/channels/whatsapp/index.js';
import { createLogger } from '../../src/log.js';
import type { Bridge } from '../../src/service/create-bridge.js';
import { asAmojoAccountId } from '../../src/store/ids.js';
import type { StoreDialect } from '../../src/store/store.js';
import { captureLogs } from './log-capture.js';
import { storeMessengerInstance } from './messenger-instance.js';
import { type MessengerSandboxCalls, messengerSandboxCalls, sandboxApi } from './sandbox-api.js';
import { createMessengerWorld, TEST_CHANNEL_IDS } from './test-channel.js';
import {
  type EmulatedBusiness,
  type EmulatedNumber,
  startWhatsAppEmulator,
  type WhatsAppEmulator,
} from './whatsapp-emulator/index.js';
import { setUpOrClose } from './world.js';

/** One business number connected as one instance and one amoCRM source. */
export interface HarnessNumber {
  readonly number: EmulatedNumber;
  readonly instanceKey: string;
  /** The source's external_id: the number's digits (as the guide's multi-source example names them). */
  readonly sourceExternalId: string;
}

/** A sandbox, the Cloud API emulator with one business and two numbers, and a bridge running both instances. */
export interface WhatsAppHarness extends MessengerSandboxCalls {
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
  close(): Promise<void>;
}

/** The settings of a whatsapp instance for one emulated number (as `channels add whatsapp --set ...` takes them). */
export function whatsappNumberSettings(input: {
  readonly emulator: WhatsAppEmulator;
  readonly business: EmulatedBusiness;
  readonly number: EmulatedNumber;
  readonly verifyToken: string;
  readonly templateLanguage: string;
}): Record<string, unknown> {
  const { emulator, business, number } = input;
  return {
    phoneNumberId: number.phoneNumberId,
    businessAccountId: business.id,
    accessToken: business.accessToken,
    appSecret: business.appSecret,
    verifyToken: input.verifyToken,
    graphRoot: emulator.graphRoot,
    graphVersion: 'v21.0',
    templateLanguage: input.templateLanguage,
    displayPhoneNumber: `+${number.displayPhoneNumber}`,
  };
}

const WHATSAPP_WORLD = { name: 'WhatsApp test channel', account: { id: 778, subdomain: 'wa-test' } } as const;

/** Starts everything on real ports; the instances are created before the bridge starts, as the CLI would. */
export async function createWhatsAppHarness(options: {
  readonly engine: StoreDialect;
  /** More bridge settings (environment variables), e.g. `CHANNEL_ALERT_URL`. */
  readonly env?: Readonly<Record<string, string>>;
}): Promise<WhatsAppHarness> {
  const world = await createMessengerWorld({ ...WHATSAPP_WORLD, engine: options.engine, env: options.env });
  const { sandbox, bridgeUrl, config } = world;
  const api = sandboxApi(sandbox.url);
  const { destination, text: logText } = captureLogs();
  const verifyToken = randomBytes(12).toString('hex');
  const numbers: HarnessNumber[] = [];
  const { emulator, business, bridge, scopeId } = await setUpOrClose(world, async () => {
    const emulator = await startWhatsAppEmulator({ webhookRetryDelayMs: 50 });
    world.defer(() => emulator.close());
    const business = emulator.addBusiness();
    business.addTemplate({ name: 'manager_reply', language: 'ru', body: 'Ответ менеджера: {{1}}' });
    const bridge = await world.createBridge({ log: createLogger({ level: 'debug', destination }) });
    const account = await connectAccount(bridge, { accountId: asAmojoAccountId(TEST_CHANNEL_IDS.ACCOUNT_ID) });
    for (const [index, phone] of ['+7 903 987-65-43', '+7 900 123-45-67'].entries()) {
      const number = business.addNumber(phone);
      const instanceKey = `wa_${randomUUID().slice(0, 8)}`;
      await storeMessengerInstance(bridge.store.db, {
        plugin: whatsappChannelPlugin,
        kind: 'whatsapp',
        key: instanceKey,
        name: index === 0 ? 'Отдел продаж' : 'Техническая поддержка',
        accountId: account.id,
        settings: {
          ...whatsappNumberSettings({ emulator, business, number, verifyToken, templateLanguage: 'ru' }),
          // The support number has a template for messages outside the 24-hour window; sales has none.
          ...(index === 1 ? { templateName: 'manager_reply' } : {}),
        },
        secret: randomBytes(32).toString('base64url'),
        encryptionKey: config.encryptionKey,
        sourceExternalId: number.displayPhoneNumber,
        isDefault: index === 0,
      });
      numbers.push({ number, instanceKey, sourceExternalId: number.displayPhoneNumber });
    }
    await bridge.start();
    // As in the App Dashboard: one callback URL for the app (here the first instance's), checked by the handshake.
    await business.subscribe(`${bridgeUrl}${whatsappWebhookPath(numbers[0]!.instanceKey)}`, verifyToken);
    return { emulator, business, bridge, scopeId: account.scopeId };
  });
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
      return conversation ? api.chatOfConversation(conversation.conversation_id) : undefined;
    },
    ...messengerSandboxCalls(api),
    close: () => world.close(),
  };
}
