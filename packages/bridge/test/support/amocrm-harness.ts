import type { Sandbox, SandboxChatView } from '@amojo-bridge/sandbox';
import { createLogger } from '../../src/log.js';
import type { Bridge } from '../../src/service/create-bridge.js';
import { type Account, findAccount } from '../../src/store/accounts/index.js';
import { asAmojoAccountId } from '../../src/store/ids.js';
import type { StoreDialect } from '../../src/store/store.js';
import { captureLogs } from './log-capture.js';
import { createWorld } from './world.js';

/** Ids of the amoCRM harness: one channel, one account (numeric id 4242, subdomain `shop`), one integration. */
export const AMOCRM_IDS = {
  channelId: '3c5e7a90-1b2d-4f6e-8a0c-2d4f6b8a0c1e',
  channelSecret: 'feedface0123456789abcdef0123456789abcdef',
  accountAmojoId: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
  amocrmAccountId: 4242,
  subdomain: 'shop',
  managerAmojoId: '7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b',
  clientId: '0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b',
  clientSecret: 'IntegrationSecretKey-0123456789abcdefXYZ',
  adminToken: 'amocrm-test-admin-token-0123456789',
} as const;

/** A sandbox with the integration installed nowhere yet, and a bridge configured for it on a real port. */
export interface AmocrmHarness {
  readonly engine: StoreDialect;
  readonly sandbox: Sandbox;
  readonly bridge: Bridge;
  readonly bridgeUrl: string;
  readonly databaseUrl: string;
  readonly logs: Record<string, unknown>[];
  /** Starts another bridge process-equivalent (own pool, own port) on the same database. */
  startSecondBridge(): Promise<Bridge>;
  /** Calls the bridge admin API. */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Calls the sandbox control API. */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  /** Installs the integration in the sandbox account (`POST /crm/install`), which redirects to the bridge. */
  install(): Promise<{ status: number; body: Json }>;
  /** The harness account's row (it must exist: after the install or a connect). */
  account(): Promise<Account>;
  /** The sandbox chat of a customer chat key (after its first message reached amojo). */
  chatOf(chatKey: string): Promise<SandboxChatView | undefined>;
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: answers are read as loose JSON in assertions
type Json = any;

async function json(response: Response): Promise<Json> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return { text };
  }
}

/** Starts the sandbox and the bridge (started, listening); `close()` stops both and drops the database. */
export async function createAmocrmHarness(options: {
  readonly engine: StoreDialect;
  readonly accessTokenTtlSeconds?: number;
}): Promise<AmocrmHarness> {
  const { logs, destination } = captureLogs();
  const log = createLogger({ level: 'info', destination });
  const world = await createWorld({
    engine: options.engine,
    sandbox: ({ bridgeUrl, hookUrl }) => ({
      channels: [
        {
          id: AMOCRM_IDS.channelId,
          secret: AMOCRM_IDS.channelSecret,
          name: 'Shop chat',
          hookUrl,
          hookApiVersion: 'v2',
        },
      ],
      accounts: [
        {
          amojoId: AMOCRM_IDS.accountAmojoId,
          id: AMOCRM_IDS.amocrmAccountId,
          subdomain: AMOCRM_IDS.subdomain,
          users: [{ id: 1, name: 'Manager One', amojoId: AMOCRM_IDS.managerAmojoId, isAdmin: true }],
        },
      ],
      integrations: [
        {
          clientId: AMOCRM_IDS.clientId,
          clientSecret: AMOCRM_IDS.clientSecret,
          redirectUri: `${bridgeUrl}/amocrm/oauth/callback`,
          disabledHookUrl: `${bridgeUrl}/amocrm/disabled`,
          channelId: AMOCRM_IDS.channelId,
          multipleSources: true,
        },
      ],
      ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
    }),
    env: (sandbox) => ({
      ADMIN_TOKEN: AMOCRM_IDS.adminToken,
      QUEUE_POLL_INTERVAL_MS: '100',
      AMOCRM_CLIENT_ID: AMOCRM_IDS.clientId,
      AMOCRM_CLIENT_SECRET: AMOCRM_IDS.clientSecret,
      AMOCRM_BASE_URL: sandbox.url,
    }),
    bridge: { log, startReconcileTimeoutMs: 0, start: true },
  });
  const { sandbox, bridge, bridgeUrl } = world;
  const control: AmocrmHarness['control'] = async (method, path, body) => {
    const response = await fetch(`${sandbox.url}/_sandbox/api${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: await json(response) };
  };
  return {
    engine: options.engine,
    sandbox,
    bridge,
    bridgeUrl,
    databaseUrl: world.database.databaseUrl,
    logs,
    startSecondBridge: () => world.createBridge({ env: { PORT: '0' }, log, startReconcileTimeoutMs: 0 }),
    async admin(method, path, body) {
      const response = await fetch(`${bridgeUrl}/admin/api${path}`, {
        method,
        headers: {
          authorization: `Bearer ${AMOCRM_IDS.adminToken}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: await json(response) };
    },
    control,
    install: () =>
      control('POST', '/crm/install', { account: AMOCRM_IDS.accountAmojoId, clientId: AMOCRM_IDS.clientId }),
    account: async () =>
      (await findAccount(bridge.store.db, {
        channelId: AMOCRM_IDS.channelId,
        amojoAccountId: asAmojoAccountId(AMOCRM_IDS.accountAmojoId),
      }))!,
    async chatOf(chatKey) {
      const row = await bridge.store.db
        .selectFrom('conversations')
        .select('conversation_id')
        .where('channel_chat_key', '=', chatKey)
        .executeTakeFirst();
      if (!row) return undefined;
      const chats = (await control('GET', '/chats')).body as SandboxChatView[];
      return chats.find((c) => c.conversationId === row.conversation_id);
    },
    close: () => world.close(),
  };
}
