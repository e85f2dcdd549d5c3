import { scopeIdOf } from '@amojo-bridge/sdk';
import Fastify from 'fastify';
import { disconnectScope } from './chats-api/connect.js';
import { CHATS_API_PREFIX, registerChatsApi } from './chats-api/register-chats-api.js';
import type { SandboxLogger, SandboxOptions } from './config.js';
import { registerControlApi } from './control/register-control-api.js';
import { UploadStore } from './control/uploads.js';
import { CrmState, registerCrmRoutes } from './crm/index.js';
import { SandboxError } from './errors.js';
import { registerApiFaults } from './faults/register-api-faults.js';
import { HookSender } from './hooks/send-hook.js';
import { registerInbox } from './inbox-assets.js';
import { acquireLockFile } from './state/lock-file.js';
import { createStatePersister, type StatePersister } from './state/persist-state.js';
import { RequestLog } from './state/request-log.js';
import { SandboxState } from './state/sandbox-state.js';

/** A running sandbox. */
export interface Sandbox {
  /** Base URL, e.g. `http://127.0.0.1:41234` (the Chats API lives under `/v2/origin/custom/`). */
  readonly url: string;
  readonly port: number;
  readonly state: SandboxState;
  /** Counts of the requests answered, by route and status (also `GET /_sandbox/api/requests`). */
  readonly requests: RequestLog;
  /** Stops the server, ends event streams, aborts hooks in flight. */
  close(): Promise<void>;
}

function validate(options: SandboxOptions): void {
  const ids = new Set<string>();
  for (const channel of options.channels) {
    if (!channel.id || channel.id.includes('_') || channel.id.includes('/')) {
      throw new SandboxError(
        `channel id "${channel.id}" must be non-empty without "_" or "/" (it prefixes scope ids)`,
        {
          code: 'INVALID_CONFIG',
        },
      );
    }
    if (ids.has(channel.id))
      throw new SandboxError(`channel id ${channel.id} appears twice`, { code: 'INVALID_CONFIG' });
    ids.add(channel.id);
    if (!channel.secret) throw new SandboxError(`channel ${channel.id} needs a secret`, { code: 'INVALID_CONFIG' });
  }
}

/** Starts a sandbox: the Chats API, the REST v4 emulation, the control API and the inbox, on one HTTP server. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  validate(options);
  const log: SandboxLogger = options.log ?? {};
  const now = options.now ?? (() => new Date());
  const crm = new CrmState(
    {
      accounts: options.accounts,
      integrations: options.integrations ?? [],
      ...(options.accessTokenTtlSeconds === undefined ? {} : { accessTokenTtlSeconds: options.accessTokenTtlSeconds }),
      ...(options.refreshTokenTtlSeconds === undefined
        ? {}
        : { refreshTokenTtlSeconds: options.refreshTokenTtlSeconds }),
      ...(options.rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond: options.rateLimitPerSecond }),
    },
    { now },
  );
  const state = new SandboxState({ crm, channels: options.channels, faults: options.faults ?? {}, now });
  state.setAccountIds(options.accounts.map((a) => a.amojoId));
  for (const account of options.accounts) {
    for (const user of account.users) {
      if (user.amojoId === null) continue;
      state.participants.set(user.amojoId, {
        id: user.amojoId,
        kind: 'manager',
        scopeId: null,
        clientId: null,
        name: user.name,
      });
    }
  }
  for (const channel of options.channels) {
    if (!channel.bot) continue;
    state.participants.set(channel.bot.id, {
      id: channel.bot.id,
      kind: 'bot',
      scopeId: null,
      clientId: null,
      name: channel.bot.name,
    });
  }

  const app = Fastify({ logger: false, forceCloseConnections: true });
  const requests = new RequestLog(() => now().getTime());
  requests.attach(app);
  const hooks = new HookSender({
    state,
    timeoutMs: options.hookTimeoutMs ?? 5000,
    trailingNewline: options.hookTrailingNewline ?? true,
    log,
  });
  const uploads = new UploadStore();
  let persister: StatePersister | undefined;
  let releaseStateFile = (): void => {};
  if (options.stateFile !== undefined) {
    // Only the owner of a state file reads and writes it: a second sandbox on the same file would save its stale
    // copy over the first one's newer state when it stops.
    const lock = acquireLockFile(`${options.stateFile}.lock`, 'amojo-sandbox');
    if (lock.held) {
      const { holder } = lock;
      throw new SandboxError(
        `the state file ${options.stateFile} is in use by process ${holder.pid} (${holder.command}, since ` +
          `${holder.startedAt}): stop that process first, or give this sandbox another --state-file`,
        { code: 'STATE_FILE_LOCKED' },
      );
    }
    releaseStateFile = lock.release;
    persister = createStatePersister({ file: options.stateFile, state, crm, uploads, log });
    try {
      await persister.load();
    } catch (error) {
      releaseStateFile();
      throw error;
    }
  }
  let baseUrl = '';
  const apiFaults = registerApiFaults(app, state);
  await app.register(
    async (child) =>
      registerChatsApi(child, { state, hooks, log, maxDateSkewSeconds: options.maxDateSkewSeconds ?? 900 }),
    { prefix: CHATS_API_PREFIX },
  );
  await app.register(async (child) =>
    registerCrmRoutes(child, {
      crm,
      state,
      onIntegrationDisabled: (accountAmojoId, clientId) => {
        const integration = options.integrations?.find((i) => i.clientId === clientId);
        // An integration names its channel; without one, every channel of the sandbox is that integration's.
        const channelIds = integration?.channelId ? [integration.channelId] : options.channels.map((c) => c.id);
        for (const channelId of channelIds) disconnectScope({ state, log }, scopeIdOf(channelId, accountAmojoId));
      },
    }),
  );
  let control: { close(): void } = { close() {} };
  await app.register(async (child) => {
    control = await registerControlApi(child, { state, hooks, uploads, requests, baseUrl: () => baseUrl });
  });
  await app.register(async (child) => registerInbox(child));
  uploads.register(app);

  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ port: options.port ?? 0, host });
  } catch (error) {
    // A busy port must not leave timers or streams behind: the caller reports the error and may exit at once.
    apiFaults.close();
    control.close();
    await hooks.close();
    await app.close();
    releaseStateFile();
    throw error;
  }
  persister?.watch();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info?.({ url: baseUrl }, 'sandbox listening');

  let closed: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    state,
    requests,
    close() {
      closed ??= (async () => {
        apiFaults.close();
        control.close();
        await hooks.close();
        await app.close();
        // After the server is closed nothing changes any more: this save is the last word.
        try {
          await persister?.close();
        } finally {
          releaseStateFile();
        }
      })();
      return closed;
    },
  };
}
