import { DEMO, defaultDemoConfig, type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import { type BridgeConfig, loadConfig } from '../../src/config/index.js';
import { createLogger, type Logger } from '../../src/log.js';
import { type Bridge, createBridge } from '../../src/service/create-bridge.js';
import type { StoreDialect } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { freePort } from './ports.js';

/** Admin token used by the service, admin and CLI tests. */
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A sandbox, a test database and the bridge configuration pointing at both. */
export interface ServiceWorld {
  readonly sandbox: Sandbox;
  readonly database: TestDatabase;
  readonly port: number;
  /** The environment the bridge is configured from (for the CLI tests). */
  readonly env: Readonly<Record<string, string>>;
  readonly config: BridgeConfig;
  close(): Promise<void>;
}

/** Starts the sandbox (demo channel and account) with hooks aimed at a reserved port, and creates a database. */
export async function createServiceWorld(
  engine: StoreDialect,
  overrides: Readonly<Record<string, string>> = {},
): Promise<ServiceWorld> {
  const database = await createTestDatabase(engine);
  const port = await freePort();
  const sandbox = await startSandbox(defaultDemoConfig({ hookUrl: `http://127.0.0.1:${port}/hooks/amojo/:scope_id` }));
  const env: Record<string, string> = {
    AMOJO_CHANNEL_ID: DEMO.channelId,
    AMOJO_CHANNEL_SECRET: DEMO.channelSecret,
    AMOJO_BASE_URL: sandbox.url,
    DATABASE_URL: database.databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    QUEUE_POLL_INTERVAL_MS: '50',
    QUEUE_CONCURRENCY: '8',
    ...overrides,
  };
  return {
    sandbox,
    database,
    port,
    env,
    config: loadConfig({ env }),
    async close() {
      await sandbox.close();
      await database.drop();
    },
  };
}

/** Creates a bridge on a world; `log` lets a test read what was logged. */
export function bridgeFor(
  world: ServiceWorld,
  options: { log?: Logger; stopTimeoutMs?: number } = {},
): Promise<Bridge> {
  return createBridge({
    config: world.config,
    log: options.log ?? createLogger({ level: 'silent' }),
    ...(options.stopTimeoutMs !== undefined ? { stopTimeoutMs: options.stopTimeoutMs } : {}),
  });
}

/** `Authorization` header of the admin API. */
export const adminAuth = { authorization: `Bearer ${ADMIN_TOKEN}` } as const;

/** Waits until `check` returns a value other than undefined/false, polling; fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
