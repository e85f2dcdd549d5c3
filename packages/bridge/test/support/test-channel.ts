import type { ChannelConfig, CrmIntegrationConfig, SandboxOptions } from '@amojo-bridge/sandbox';
import type { StoreDialect } from '../../src/store/store.js';
import { createWorld, type World } from './world.js';

/** The ids of the test channel, account and manager the relay, Telegram and WhatsApp harnesses share. */
export const TEST_CHANNEL_IDS = {
  CHANNEL_ID: '0b6f3a52-7c1d-4e8a-9f20-5d4c3b2a1e90',
  CHANNEL_SECRET: 'c0ffee1234567890abcdef1234567890abcdef12',
  ACCOUNT_ID: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  MANAGER_ID: '1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b',
  SOURCE_EXTERNAL_ID: 'relay-test-source',
  BOT_ID: '5c4b3a29-1807-4f6e-9d5c-4b3a29180700',
} as const;

/** Options of {@link testChannelSandbox}. */
export interface TestChannelSandboxOptions {
  /** The channel's display name. */
  readonly name: string;
  /** The account's numeric amoCRM id and subdomain. */
  readonly account: { readonly id: number; readonly subdomain: string };
  /** More channel settings (a bot, write first). */
  readonly channel?: Partial<Omit<ChannelConfig, 'id' | 'secret' | 'name' | 'hookUrl'>>;
  readonly integrations?: readonly CrmIntegrationConfig[];
}

/**
 * Sandbox options with the test channel (v2 hooks to `hookUrl`, typing hooks on) and one account with one manager,
 * the ids of {@link TEST_CHANNEL_IDS}.
 */
export function testChannelSandbox(hookUrl: string, options: TestChannelSandboxOptions): SandboxOptions {
  const { CHANNEL_ID, CHANNEL_SECRET, ACCOUNT_ID, MANAGER_ID } = TEST_CHANNEL_IDS;
  return {
    channels: [
      {
        id: CHANNEL_ID,
        secret: CHANNEL_SECRET,
        name: options.name,
        hookUrl,
        hookApiVersion: 'v2',
        typingHooks: true,
        ...options.channel,
      },
    ],
    accounts: [
      {
        amojoId: ACCOUNT_ID,
        id: options.account.id,
        subdomain: options.account.subdomain,
        users: [{ id: 1, name: 'Manager One', amojoId: MANAGER_ID }],
      },
    ],
    ...(options.integrations ? { integrations: options.integrations } : {}),
  };
}

/**
 * The world of a messenger harness (Telegram, WhatsApp): the test channel sandbox named `name` with its account,
 * and a bridge environment logging at debug (the harnesses read the log) polling the queue every 100 ms.
 */
export function createMessengerWorld(options: {
  readonly engine: StoreDialect;
  readonly name: string;
  readonly account: TestChannelSandboxOptions['account'];
  readonly env?: Readonly<Record<string, string>> | undefined;
}): Promise<World> {
  return createWorld({
    engine: options.engine,
    sandbox: ({ hookUrl }) => testChannelSandbox(hookUrl, { name: options.name, account: options.account }),
    env: { LOG_LEVEL: 'debug', QUEUE_POLL_INTERVAL_MS: '100', ...options.env },
  });
}
