// The one world builder of the tests (support/world.ts): what it starts answers, one close() undoes everything in
// reverse order even when a clean-up fails, and a world whose set-up fails leaves nothing running (the global leak
// check would name a sandbox, store or bridge left behind).
import { existsSync } from 'node:fs';
import { defaultDemoConfig } from '@amojo-bridge/sandbox';
import { describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createWorld, setUpOrClose } from './support/world.js';

describe.each(ENGINES)('the test world (%s)', (engine) => {
  it('starts a database, the sandbox and a listening bridge, and close() undoes them newest first', async () => {
    const world = await createWorld({ engine, env: { LOG_LEVEL: 'silent' }, bridge: { start: true } });
    const order: string[] = [];
    world.defer(() => order.push('first deferred'));
    world.defer(() => {
      order.push('second deferred');
      throw new Error('a clean-up that fails');
    });
    expect((await fetch(`${world.bridgeUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${world.sandbox.url}/`)).status).toBe(200);
    expect(world.config.http.port).toBe(world.port);
    const sqliteFile = world.database.databaseUrl.slice('sqlite:'.length);
    if (engine === 'sqlite') expect(existsSync(sqliteFile)).toBe(true);

    // Every clean-up runs although the newest throws; the first failure is what close() rethrows.
    await expect(world.close()).rejects.toThrow('a clean-up that fails');
    expect(order).toEqual(['second deferred', 'first deferred']);
    await expect(fetch(`${world.bridgeUrl}/healthz`)).rejects.toThrow();
    await expect(fetch(`${world.sandbox.url}/`)).rejects.toThrow();
    if (engine === 'sqlite') expect(existsSync(sqliteFile)).toBe(false);
  });

  it('a world without a bridge says so when its bridge is read', async () => {
    const world = await createWorld({ engine, env: { LOG_LEVEL: 'silent' } });
    try {
      expect(() => world.bridge).toThrow('createWorld: this world has no bridge (pass options.bridge)');
    } finally {
      await world.close();
    }
  });

  it('closes what it opened when a harness set-up fails, and rethrows', async () => {
    const world = await createWorld({ engine, env: { LOG_LEVEL: 'silent' }, bridge: { start: true } });
    let closedExtra = false;
    await expect(
      setUpOrClose(world, async () => {
        world.defer(() => {
          closedExtra = true;
        });
        throw new Error('the emulator did not start');
      }),
    ).rejects.toThrow('the emulator did not start');
    expect(closedExtra).toBe(true);
    await expect(fetch(`${world.bridgeUrl}/healthz`)).rejects.toThrow();
  });

  it('fails without leaving anything when the sandbox options name no channel', async () => {
    await expect(
      createWorld({
        engine,
        sandbox: ({ hookUrl }) => ({ ...defaultDemoConfig({ hookUrl }), channels: [] }),
        env: { LOG_LEVEL: 'silent' },
      }),
    ).rejects.toThrow('createWorld: the sandbox options name no channel for the bridge');
  });
});
