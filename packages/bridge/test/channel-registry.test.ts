// The adapters' life cycle as the contract promises it (channels/channel-plugin.ts): created at start for every
// enabled instance, capabilities read from the methods an adapter has, replaced when the instance changes, stopped
// when it is removed (also by another process, found by sync) and when the bridge stops; runtimes released last.

import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChannelEventRefusedError, createChannelRegistry, defineChannelPlugin } from '../src/channels/index.js';
import {
  createChannelInstance,
  type ManageInstancesDeps,
  removeChannelInstance,
  updateChannelInstance,
} from '../src/channels/manage-instances.js';
import { BridgeError } from '../src/errors.js';
import { createSilentLogger } from '../src/log.js';
import {
  asAccountRowId,
  asChannelChatKey,
  asChannelInstanceKey,
  asChannelInstanceRowId,
  asMsgid,
} from '../src/store/ids.js';
import { ENGINES } from './support/databases.js';
import { useStoreFixture } from './support/store-fixture.js';

const encryptionKey = new Uint8Array(32).fill(3);
const SECRET = 'probe-secret-token-value';

describe.each(ENGINES)('channel registry (%s)', (engine) => {
  const fixture = useStoreFixture(engine);
  let log: string[];
  let deps: ManageInstancesDeps;

  const released = new WeakSet<object>();
  const probe = defineChannelPlugin({
    kind: 'probe',
    title: 'Probe',
    description: 'Records its life cycle.',
    settings: z.object({ token: z.string(), typing: z.boolean().default(false) }),
    secretSettings: ['token'],
    instanceSecret: 'none',
    createAdapter(instance, runtime) {
      log.push(`create ${instance.key} token=${instance.settings.token === SECRET ? 'decrypted' : 'other'}`);
      if (!released.has(runtime)) {
        released.add(runtime);
        runtime.onClose(() => {
          log.push('runtime closed');
        });
      }
      return {
        messageTypes: ['text', 'picture'],
        send: async () => ({ ok: true }),
        ...(instance.settings.typing ? { typing: async () => undefined } : {}),
        async stop() {
          log.push(`stop ${instance.key}`);
        },
      };
    },
  });
  const plugins = { probe };
  const registryOf = () =>
    createChannelRegistry({
      plugins,
      store: fixture.store,
      databaseUrl: fixture.database.databaseUrl,
      encryptionKey,
      log: createSilentLogger(),
      now: () => new Date(),
      fetch: (input, init) => fetch(input, init),
      publicUrl: undefined,
      bridgeUrl: 'http://127.0.0.1:1',
    });
  const stored = async (key: string) => {
    const row = await fixture.store.db
      .selectFrom('channel_instances')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    return {
      key: asChannelInstanceKey(row.key),
      rowId: asChannelInstanceRowId(row.id),
      kind: row.kind,
      name: row.name,
      accountId: row.account_id === null ? null : asAccountRowId(row.account_id),
      settings: JSON.parse(row.settings),
      secret: null,
    };
  };

  beforeEach(async () => {
    log = [];
    deps = {
      store: fixture.store,
      config: { channel: { id: 'c' }, encryptionKey, http: { host: '127.0.0.1', port: 1, publicUrl: undefined } },
      log: createSilentLogger(),
      plugins,
    };
  });

  it('starts every enabled instance, derives capabilities from methods, and replaces a changed adapter', async () => {
    await createChannelInstance(deps, { kind: 'probe', name: 'a', key: 'a', settings: { token: SECRET } });
    await createChannelInstance(deps, { kind: 'probe', name: 'b', key: 'b', settings: { token: SECRET } });
    await updateChannelInstance(deps, 'b', { enabled: false });
    const registry = registryOf();
    await registry.sync();
    expect(log).toEqual(['create a token=decrypted']);

    const first = await registry.adapterFor(await stored('a'));
    expect(first.kind).toBe('probe');
    expect(first.capabilities).toMatchObject({
      text: true,
      picture: true,
      video: false,
      typing: false,
      reactions: false,
    });
    expect(first.typing).toBeUndefined();
    expect(await registry.adapterFor(await stored('a'))).toBe(first);
    expect(log).toEqual(['create a token=decrypted']);

    await updateChannelInstance(deps, 'a', { settings: { typing: true } });
    const second = await registry.adapterFor(await stored('a'));
    expect(second).not.toBe(first);
    expect(second.capabilities.typing).toBe(true);
    expect(second.typing).toBeTypeOf('function');
    expect(log).toEqual(['create a token=decrypted', 'stop a', 'create a token=decrypted']);

    // A rotated secret setting changes the stored envelope, so the adapter is replaced too.
    await updateChannelInstance(deps, 'a', { settings: { token: 'another-token' } });
    await registry.adapterFor(await stored('a'));
    expect(log.at(-1)).toBe('create a token=other');
    await registry.stopAll();
    expect(log.slice(-2)).toEqual(['stop a', 'runtime closed']);
  });

  it('stops the adapter of an instance removed by another process at the next sync', async () => {
    await createChannelInstance(deps, { kind: 'probe', name: 'a', key: 'a', settings: { token: SECRET } });
    const registry = registryOf();
    await registry.sync();
    // The CLI removes it: no registry is told.
    await removeChannelInstance(deps, 'a');
    expect(log).toEqual(['create a token=decrypted']);
    await registry.sync();
    expect(log).toEqual(['create a token=decrypted', 'stop a']);
    await registry.stopAll();
  });

  it('applies a change made through management in this process at once', async () => {
    const registry = registryOf();
    const inProcess = { ...deps, channels: registry };
    await createChannelInstance(inProcess, { kind: 'probe', name: 'a', key: 'a', settings: { token: SECRET } });
    expect(log).toEqual(['create a token=decrypted']);
    await updateChannelInstance(inProcess, 'a', { settings: { typing: true } });
    expect(log).toEqual(['create a token=decrypted', 'stop a', 'create a token=decrypted']);
    await updateChannelInstance(inProcess, 'a', { enabled: false });
    expect(log.at(-1)).toBe('stop a');
    await updateChannelInstance(inProcess, 'a', { enabled: true });
    expect(log.at(-1)).toBe('create a token=decrypted');
    await removeChannelInstance(inProcess, 'a');
    expect(log.at(-1)).toBe('stop a');
    await registry.stopAll();
  });

  it('hands inbound events to the receiver and turns its refusals into ChannelEventRefusedError', async () => {
    const registry = registryOf();
    const runtime = registry.runtimeOf('probe')!;
    await expect(
      runtime.receive({ kind: 'read', instanceId: asChannelInstanceKey('a'), messageId: asMsgid('m') }),
    ).rejects.toMatchObject({
      code: 'channel_receiver_missing',
    });
    registry.setReceiver(async (event) => {
      if (event.kind === 'read') {
        throw Object.assign(new BridgeError('relay_input_invalid', 'message m is not known'), { statusCode: 404 });
      }
      return { messageId: '', duplicate: false };
    });
    const refused = await runtime
      .receive({ kind: 'read', instanceId: asChannelInstanceKey('a'), messageId: asMsgid('m') })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ChannelEventRefusedError);
    expect(refused).toMatchObject({ statusCode: 404, message: 'message m is not known' });
    expect(
      await runtime.receive({
        kind: 'typing',
        instanceId: asChannelInstanceKey('a'),
        chatKey: asChannelChatKey('c'),
        senderId: 's',
      }),
    ).toEqual({
      messageId: '',
      duplicate: false,
    });
    await registry.stopAll();
  });
});
