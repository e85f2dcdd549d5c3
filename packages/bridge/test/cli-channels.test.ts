// `amojo-bridge channels ...` manages every kind from the plugins' schemas: --set typed by the schema, secrets shown
// once, bad input refused with exit 2 naming the setting, removal saying what happens to the conversations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunCliOptions } from '../src/cli/index.js';
import { openStore } from '../src/store/open-store.js';
import { ENGINES } from './support/databases.js';
import { runCliCaptured as run } from './support/run-cli-captured.js';
import { createServiceWorld, type ServiceWorld } from './support/service-harness.js';

describe('amojo-bridge channels: help', () => {
  it('lists every subcommand and the kinds', async () => {
    const help = await run(['channels', '--help'], {});
    expect(help.code).toBe(0);
    for (const command of ['add', 'list', 'update', 'remove', 'kinds']) expect(help.stdout).toContain(command);
    expect(help.stdout).toContain('http, webchat, telegram, whatsapp');
    const add = await run(['channels', 'add', '--help'], {});
    expect(add.stdout).toContain('--set <key=value>');
    expect(add.stdout).toContain('amojo-bridge channels add webchat --name site --set origins=https://shop.example');
    const kinds = await run(['channels', 'kinds'], {});
    expect(kinds.stdout).toMatch(/webchat: Website chat/);
    expect(kinds.stdout).toMatch(/origins \(array, default \[\]\)/);
    expect(kinds.stdout).toMatch(/url \(string, required\)/);
  });
});

describe.each(ENGINES)('amojo-bridge channels against a database (%s)', (engine) => {
  let world: ServiceWorld;
  const settingsOf = async (key: string) => {
    const store = openStore({ databaseUrl: world.config.databaseUrl });
    try {
      const row = await store.db
        .selectFrom('channel_instances')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      return {
        settings: JSON.parse(row.settings),
        enabled: row.enabled,
        secretEnc: row.secret_enc,
        pipelineId: row.amocrm_pipeline_id === null ? null : Number(row.amocrm_pipeline_id),
      };
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    world = await createServiceWorld(engine);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('adds an http instance, shows its secret once and never again', async () => {
    const added = await run(
      ['channels', 'add', 'http', '--name', 'CRM', '--key', 'crm', '--set', 'url=https://crm.example/hook'],
      world.env,
    );
    expect(added.code).toBe(0);
    const secret = /secret: (\S+)/.exec(added.stdout)?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(added.stdout).toContain(`eventsUrl: http://127.0.0.1:${world.port}/channels/http/crm/events`);
    expect(added.stdout).toContain('The secret is shown only once');
    expect((await settingsOf('crm')).secretEnc).not.toContain(secret);
    const listed = await run(['channels', 'list', '--json'], world.env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ key: 'crm', kind: 'http', settings: { url: 'https://crm.example/hook' } }),
    ]);
    expect(listed.stdout).not.toContain(secret);
    expect(listed.stderr).not.toContain(secret);

    const before = (await settingsOf('crm')).secretEnc;
    const rotated = await run(['channels', 'update', 'crm', '--rotate-secret'], world.env);
    expect(rotated.code).toBe(0);
    const newSecret = /secret: (\S+)/.exec(rotated.stdout)?.[1];
    expect(newSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSecret).not.toBe(secret);
    expect((await settingsOf('crm')).secretEnc).not.toBe(before);
  });

  it('refuses a bad kind, an unknown setting and a bad value with exit 2, saving nothing', async () => {
    const kind = await run(['channels', 'add', 'fax', '--name', 'x'], world.env);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/unknown channel kind "fax": expected one of http, webchat, telegram, whatsapp/);
    const typo = await run(
      ['channels', 'add', 'webchat', '--name', 'x', '--set', 'orgins=https://a.example'],
      world.env,
    );
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/settings\.orgins: not a setting of webchat \(--set orgins=\.\.\.\)/);
    const value = await run(['channels', 'add', 'webchat', '--name', 'x', '--set', 'uploads.maxBytes=lots'], world.env);
    expect(value.code).toBe(2);
    expect(value.stderr).toMatch(/settings\.uploads\.maxBytes:/);
    const shape = await run(['channels', 'add', 'webchat', '--name', 'x', '--set', 'title'], world.env);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toMatch(/--set title: expected key=value/);
    const missing = await run(['channels', 'add', 'http', '--name', 'x'], world.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/settings\.url/);
    const listed = JSON.parse((await run(['channels', 'list', '--json'], world.env)).stdout) as { key: string }[];
    expect(listed.map((i) => i.key)).toEqual(['crm']);
  });

  it('types --set values by the schema and updates with --set/--unset, --disable and --enable', async () => {
    const added = await run(
      [
        'channels',
        'add',
        'webchat',
        '--name',
        'site',
        '--key',
        'site',
        '--set',
        'origins=https://a.example, https://b.example',
        '--set',
        'uploads.maxBytes=1048576',
        '--set',
        'form.email.ask=true',
      ],
      world.env,
    );
    expect(added.code).toBe(0);
    expect((await settingsOf('site')).settings).toEqual({
      origins: ['https://a.example', 'https://b.example'],
      uploads: { maxBytes: 1048576 },
      form: { email: { ask: true } },
    });
    const updated = await run(
      ['channels', 'update', 'site', '--name', 'Shop', '--set', 'title=Shop', '--unset', 'uploads', '--disable'],
      world.env,
    );
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain('name: Shop');
    expect(updated.stdout).toContain('state: disabled');
    expect(await settingsOf('site')).toMatchObject({
      settings: { origins: ['https://a.example', 'https://b.example'], form: { email: { ask: true } }, title: 'Shop' },
      enabled: 0,
    });
    expect((await run(['channels', 'update', 'site', '--enable'], world.env)).code).toBe(0);
    expect((await settingsOf('site')).enabled).toBe(1);
    // The amoCRM pipeline of the instance's source: set, shown, cleared; a bad id is refused naming the option.
    const piped = await run(['channels', 'update', 'site', '--pipeline-id', '4242'], world.env);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain('amoCRM pipeline: 4242');
    expect(await settingsOf('site')).toMatchObject({ pipelineId: 4242 });
    const badPipeline = await run(['channels', 'update', 'site', '--pipeline-id', 'sales'], world.env);
    expect(badPipeline.code).toBe(2);
    expect(badPipeline.stderr).toMatch(
      /--pipeline-id: expected the id of an amoCRM pipeline, a positive integer, or none/,
    );
    const cleared = await run(['channels', 'update', 'site', '--pipeline-id', 'none'], world.env);
    expect(cleared.stdout).not.toContain('amoCRM pipeline');
    expect(await settingsOf('site')).toMatchObject({ pipelineId: null });
    const unknown = await run(['channels', 'update', 'nope', '--name', 'x'], world.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No channel instance nope/);
  });

  it('removes an instance, telling the lifecycle listeners', async () => {
    const seen: string[] = [];
    const listeners: RunCliOptions = {
      instanceListeners: () => ({
        onInstanceRemoved: ({ instance }) => {
          seen.push(`removed ${instance.kind} ${instance.key}`);
        },
        onInstanceCreated: () => {
          throw new Error('the amoCRM source could not be created');
        },
      }),
    };
    const removed = await run(['channels', 'remove', 'site'], world.env, listeners);
    expect(seen).toEqual(['removed webchat site']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('removed webchat instance site');
    const again = await run(['channels', 'remove', 'site'], world.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/No channel instance site/);
    // A failing listener does not undo the change; the person is told.
    const added = await run(['channels', 'add', 'webchat', '--name', 'x', '--key', 'x'], world.env, listeners);
    expect(added.code).toBe(0);
    expect(added.stderr).toContain('warning: onInstanceCreated failed: the amoCRM source could not be created');
  });
});
