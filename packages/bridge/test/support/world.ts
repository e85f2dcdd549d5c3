import {
  defaultDemoConfig,
  type FaultSettingsInput,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from '@amojo-bridge/sandbox';
import { type BridgeConfig, loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { type Bridge, type CreateBridgeOptions, createBridge } from '../../src/service/create-bridge.js';
import type { StoreDialect } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { freePort } from './ports.js';

/** Where the bridge of a world will listen, known before anything starts (the sandbox is told its hook URL first). */
export interface WorldUrls {
  /** `http://127.0.0.1:<reserved port>`. */
  readonly bridgeUrl: string;
  /** The amojo hook URL on that port, `…/hooks/amojo/:scope_id`, as the sandbox's channel wants it. */
  readonly hookUrl: string;
}

/** How {@link createWorld} creates a bridge: the service's own options, less the config, plus a few of the world's. */
export interface WorldBridgeOptions extends Omit<CreateBridgeOptions, 'config'> {
  /** Environment on top of the world's for this bridge alone (e.g. `{ PORT: '0' }` for a second one). */
  readonly env?: Readonly<Record<string, string>>;
  /** Start it (listen on the reserved port) before returning; default false. */
  readonly start?: boolean;
}

/** Options of {@link createWorld}. */
export interface WorldOptions {
  readonly engine: StoreDialect;
  /** The sandbox's configuration, given the reserved URLs; default the demo channel and account hooking there. */
  readonly sandbox?: (urls: WorldUrls) => SandboxOptions;
  /** Fault settings the sandbox starts with (on top of any the sandbox options name). */
  readonly faults?: FaultSettingsInput;
  /**
   * Environment on top of the world's own (channel id and secret of the sandbox's first channel, its URL, the
   * database, `HOST`, `PORT` and `PUBLIC_URL` of the reserved port). An empty string unsets a variable for
   * `loadConfig`. A function is given the running sandbox (for variables naming its URL).
   */
  readonly env?: Readonly<Record<string, string>> | ((sandbox: Sandbox) => Readonly<Record<string, string>>);
  /** Create the world's bridge too (`world.bridge`), and start it with `start: true`. */
  readonly bridge?: WorldBridgeOptions;
}

/** A sandbox, a test database, a reserved port and the bridge configuration pointing at all three. */
export interface World {
  readonly engine: StoreDialect;
  readonly sandbox: Sandbox;
  readonly database: TestDatabase;
  /** The reserved port the bridge listens on. */
  readonly port: number;
  readonly bridgeUrl: string;
  /** The environment the bridge is configured from (for the CLI and child-process tests). */
  readonly env: Readonly<Record<string, string>>;
  /** `loadConfig({ env })`. */
  readonly config: BridgeConfig;
  /** The bridge `options.bridge` asked for; reading it when none was asked for throws. */
  readonly bridge: Bridge;
  /** Creates another bridge on this world (silent log unless given one); `close()` stops it. */
  createBridge(options?: WorldBridgeOptions): Promise<Bridge>;
  /** Registers a clean-up for `close()`, which runs clean-ups in the reverse order of registration. */
  defer(cleanup: () => Promise<unknown> | unknown): void;
  /** Stops every bridge, runs the deferred clean-ups, closes the sandbox and drops the database, newest first. */
  close(): Promise<void>;
}

/**
 * Starts the pieces every integration test stands on, in order: the test database (SQLite file or PostgreSQL
 * database), a reserved port, the sandbox with hooks aimed at that port, the environment and loaded config, and
 * optionally the bridge. Harnesses add what is theirs (a customer system, a messenger emulator, channel instances)
 * and register its clean-up with `defer`, so one `close()` undoes everything in reverse. If a step fails, what was
 * opened before it is closed and the error rethrown.
 *
 * @example
 * const world = await createWorld({ engine: 'sqlite', env: { LOG_LEVEL: 'silent' }, bridge: { start: true } });
 * await fetch(`${world.bridgeUrl}/healthz`);
 * await world.close();
 */
export async function createWorld(options: WorldOptions): Promise<World> {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const defer = (cleanup: () => Promise<unknown> | unknown) => {
    cleanups.push(cleanup);
  };
  const close = async () => {
    // Every clean-up runs even when one fails; the first failure is rethrown at the end.
    const failures: unknown[] = [];
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
      try {
        await cleanup();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  };
  try {
    const database = await createTestDatabase(options.engine);
    defer(() => database.drop());
    const port = await freePort();
    const bridgeUrl = `http://127.0.0.1:${port}`;
    const urls: WorldUrls = { bridgeUrl, hookUrl: `${bridgeUrl}/hooks/amojo/:scope_id` };
    const sandboxOptions = (options.sandbox ?? (({ hookUrl }) => defaultDemoConfig({ hookUrl })))(urls);
    const sandbox = await startSandbox(options.faults ? { ...sandboxOptions, faults: options.faults } : sandboxOptions);
    defer(() => sandbox.close());
    const channel = sandboxOptions.channels[0];
    if (!channel) throw new Error('createWorld: the sandbox options name no channel for the bridge');
    const env: Record<string, string> = {
      AMOJO_CHANNEL_ID: channel.id,
      AMOJO_CHANNEL_SECRET: channel.secret,
      AMOJO_BASE_URL: sandbox.url,
      DATABASE_URL: database.databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: bridgeUrl,
      ...(typeof options.env === 'function' ? options.env(sandbox) : options.env),
    };
    const config = loadConfig({ env });
    const createWorldBridge = async ({ env: more, start, ...rest }: WorldBridgeOptions = {}): Promise<Bridge> => {
      const bridge = await createBridge({
        log: createLogger({ level: 'silent' }),
        ...rest,
        config: more ? loadConfig({ env: { ...env, ...more } }) : config,
      });
      defer(() => bridge.stop());
      if (start) await bridge.start();
      return bridge;
    };
    const bridge = options.bridge ? await createWorldBridge(options.bridge) : undefined;
    return {
      engine: options.engine,
      sandbox,
      database,
      port,
      bridgeUrl,
      env,
      config,
      get bridge(): Bridge {
        if (!bridge) throw new Error('createWorld: this world has no bridge (pass options.bridge)');
        return bridge;
      },
      createBridge: createWorldBridge,
      defer,
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * Runs a harness's own set-up on a world (its emulator, instances, bridge start) and returns what it made; when the
 * set-up fails, closes the world, with whatever the set-up registered through `defer`, and rethrows.
 */
export async function setUpOrClose<T>(world: World, setUp: () => Promise<T>): Promise<T> {
  try {
    return await setUp();
  } catch (error) {
    await world.close().catch(() => undefined);
    throw error;
  }
}
