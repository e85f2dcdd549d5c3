import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { type Bridge, createBridge } from '../../src/service/create-bridge.js';
import type { StoreDialect } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { captureLogs } from './log-capture.js';
import { freePort } from './ports.js';

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
  const database: TestDatabase = await createTestDatabase(options.engine);
  const port = await freePort();
  const bridgeUrl = `http://127.0.0.1:${port}`;
  const sandbox = await startSandbox({
    channels: [
      {
        id: AMOCRM_IDS.channelId,
        secret: AMOCRM_IDS.channelSecret,
        name: 'Shop chat',
        hookUrl: `${bridgeUrl}/hooks/amojo/:scope_id`,
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
  });
  const { logs, destination } = captureLogs();
  const configFor = (listenPort: number) =>
    loadConfig({
      env: {
        AMOJO_CHANNEL_ID: AMOCRM_IDS.channelId,
        AMOJO_CHANNEL_SECRET: AMOCRM_IDS.channelSecret,
        AMOJO_BASE_URL: sandbox.url,
        DATABASE_URL: database.databaseUrl,
        HOST: '127.0.0.1',
        PORT: String(listenPort),
        PUBLIC_URL: bridgeUrl,
        ADMIN_TOKEN: AMOCRM_IDS.adminToken,
        QUEUE_POLL_INTERVAL_MS: '100',
        AMOCRM_CLIENT_ID: AMOCRM_IDS.clientId,
        AMOCRM_CLIENT_SECRET: AMOCRM_IDS.clientSecret,
        AMOCRM_BASE_URL: sandbox.url,
      },
    });
  const log = createLogger({ level: 'info', destination });
  const bridge = await createBridge({ config: configFor(port), log, startReconcileTimeoutMs: 0 });
  const extra: Bridge[] = [];
  try {
    await bridge.start();
  } catch (error) {
    await bridge.stop().catch(() => undefined);
    await sandbox.close();
    await database.drop();
    throw error;
  }
  return {
    engine: options.engine,
    sandbox,
    bridge,
    bridgeUrl,
    databaseUrl: database.databaseUrl,
    logs,
    async startSecondBridge() {
      const second = await createBridge({ config: configFor(0), log, startReconcileTimeoutMs: 0 });
      extra.push(second);
      return second;
    },
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
    async control(method, path, body) {
      const response = await fetch(`${sandbox.url}/_sandbox/api${path}`, {
        method,
        ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: await json(response) };
    },
    async close() {
      for (const other of extra) await other.stop().catch(() => undefined);
      await bridge.stop();
      await sandbox.close();
      await database.drop();
    },
  };
}
