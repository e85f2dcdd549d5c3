import type { Logger } from '../../src/log.js';
import type { Bridge } from '../../src/service/create-bridge.js';
import type { StoreDialect } from '../../src/store/store.js';
import { createWorld, type World } from './world.js';

/** Admin token used by the service, admin and CLI tests. */
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A sandbox (demo channel and account), a test database and the bridge configuration pointing at both. */
export type ServiceWorld = World;

/** Starts the sandbox (demo channel and account) with hooks aimed at a reserved port, and creates a database. */
export function createServiceWorld(
  engine: StoreDialect,
  overrides: Readonly<Record<string, string>> = {},
): Promise<ServiceWorld> {
  return createWorld({
    engine,
    env: {
      ADMIN_TOKEN,
      LOG_LEVEL: 'silent',
      QUEUE_POLL_INTERVAL_MS: '50',
      QUEUE_CONCURRENCY: '8',
      ...overrides,
    },
  });
}

/** Creates a bridge on a world (the world's `close()` stops it too); `log` lets a test read what was logged. */
export function bridgeFor(
  world: ServiceWorld,
  options: { log?: Logger; stopTimeoutMs?: number } = {},
): Promise<Bridge> {
  return world.createBridge({
    ...(options.log ? { log: options.log } : {}),
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
