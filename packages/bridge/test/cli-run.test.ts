import { DEMO } from '@amojo-bridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open-store.js';
import { runCliCaptured as run, startCliCaptured } from './support/run-cli-captured.js';
import { createServiceWorld, type ServiceWorld, waitFor } from './support/service-harness.js';

describe('runCli: help, version and usage errors', () => {
  it('prints help listing every command', async () => {
    const result = await run(['--help'], {});
    expect(result.code).toBe(0);
    for (const command of ['start', 'migrate', 'connect', 'disconnect', 'channels']) {
      expect(result.stdout).toContain(command);
    }
  });

  it('has --help on every command', async () => {
    const cases: [string[], string][] = [
      [['start', '--help'], '--config'],
      [['migrate', '--help'], '--config'],
      [['connect', '--help'], '--account-id'],
      [['disconnect', '--help'], '--account-id'],
      [['channels', '--help'], 'add-http'],
      [['channels', 'add-http', '--help'], '--url'],
    ];
    for (const [argv, expected] of cases) {
      const result = await run(argv, {});
      expect(result.code, argv.join(' ')).toBe(0);
      expect(result.stdout, argv.join(' ')).toContain(expected);
    }
  });

  it('prints the package version', async () => {
    const result = await run(['--version'], {});
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('0.1.0');
  });

  it('exits 2 on an unknown command or a missing required option', async () => {
    const unknown = await run(['launch'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'launch'/);
    const missing = await run(['connect'], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--account-id/);
  });

  it('exits 2 on a bad configuration, naming every bad variable without echoing values', async () => {
    const result = await run(['migrate'], {
      AMOJO_CHANNEL_SECRET: 'super-secret-value',
      PORT: 'eighty',
      DATABASE_URL: 'mysql://nope',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/AMOJO_CHANNEL_ID/);
    expect(result.stderr).toMatch(/PORT/);
    expect(result.stderr).toMatch(/DATABASE_URL/);
    expect(result.stderr).not.toContain('super-secret-value');
    expect(result.stderr).not.toContain('eighty');
  });

  it('exits 2 naming --config when the config file is missing', async () => {
    const result = await run(['migrate', '--config', '/nonexistent/bridge.json'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--config/);
  });
});

describe('runCli against the sandbox (sqlite)', () => {
  let world: ServiceWorld;
  beforeAll(async () => {
    world = await createServiceWorld('sqlite');
  });
  afterAll(async () => {
    await world?.close();
  });

  it('migrates, then reports the database up to date', async () => {
    const first = await run(['migrate'], world.env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied \d+ migration\(s\): 0001-initial/);
    const second = await run(['migrate'], world.env);
    expect(second.stdout).toMatch(/up to date/);
  });

  it('connects and disconnects an account, printing the scope and the hook URL', async () => {
    const connected = await run(['connect', '--account-id', DEMO.accountAmojoId, '--title', 'CLI'], world.env);
    expect(connected.stderr).toBe('');
    expect(connected.code).toBe(0);
    expect(connected.stdout).toContain(`scope_id: ${DEMO.channelId}_${DEMO.accountAmojoId}`);
    expect(connected.stdout).toContain(
      `hook URL to register with amoCRM support: http://127.0.0.1:${world.port}/hooks/amojo/:scope_id`,
    );
    const scopes = await (await fetch(`${world.sandbox.url}/_sandbox/api/config`)).json();
    expect(scopes.scopes).toEqual([expect.objectContaining({ connected: true, title: 'CLI' })]);

    const disconnected = await run(['disconnect', '--account-id', DEMO.accountAmojoId], world.env);
    expect(disconnected.code).toBe(0);
    expect(disconnected.stdout).toMatch(/disconnected account/);
    const after = await (await fetch(`${world.sandbox.url}/_sandbox/api/config`)).json();
    expect(after.scopes).toEqual([expect.objectContaining({ connected: false })]);
  });

  it('exits 1 with the reason when disconnecting an unknown account', async () => {
    const result = await run(['disconnect', '--account-id', '00000000-0000-4000-8000-000000000000'], world.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not stored by this bridge/);
  });

  it('adds an http channel instance, printing its id and secret once', async () => {
    await run(['connect', '--account-id', DEMO.accountAmojoId], world.env);
    const result = await run(
      ['channels', 'add-http', '--name', 'Shop', '--url', 'https://shop.example/hook'],
      world.env,
    );
    expect(result.code).toBe(0);
    const instance = /instance: (\S+)/.exec(result.stdout)?.[1];
    const secret = /secret: (\S+)/.exec(result.stdout)?.[1];
    expect(instance).toMatch(/^http_/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const store = openStore({ databaseUrl: world.config.databaseUrl });
    try {
      const row = await store.db
        .selectFrom('channel_instances')
        .selectAll()
        .where('key', '=', instance!)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(row.settings)).toEqual({ url: 'https://shop.example/hook' });
      expect(row.account_id).not.toBeNull();
      expect(row.secret_enc).not.toContain(secret!);
    } finally {
      await store.close();
    }

    const bad = await run(['channels', 'add-http', '--name', 'x', '--url', 'not a url'], world.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--url/);
  });

  it('starts, prints where it listens, and stops on a shutdown signal', async () => {
    const started = startCliCaptured(world.env);
    await waitFor(() => started.stdout().includes('listening on'));
    expect(started.stdout()).toContain(`amojo-bridge listening on http://127.0.0.1:${world.port}`);
    const ready = await fetch(`http://127.0.0.1:${world.port}/readyz`);
    expect(ready.status).toBe(200);
    started.signal('SIGTERM');
    expect(await started.exited).toBe(0);
    expect(started.stdout()).toMatch(/SIGTERM: stopping/);
    expect(started.stdout()).toMatch(/amojo-bridge stopped/);
    await expect(fetch(`http://127.0.0.1:${world.port}/healthz`)).rejects.toThrow();
  });
});
