import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultSettingsInput, Sandbox, SandboxChatView, SandboxMessageView } from '@amojo-bridge/sandbox';
import { connectAccount } from '../../src/accounts/index.js';
import { verifyWebhook, webhookHeaders } from '../../src/channels/index.js';
import { createLogger } from '../../src/log.js';
import type { OutboundRecoveryOptions } from '../../src/pipelines/index.js';
import type { Bridge } from '../../src/service/create-bridge.js';
import { upsertChannelInstance } from '../../src/store/channel-instances/index.js';
import { asAmojoAccountId, asChannelInstanceKey } from '../../src/store/ids.js';
import { upsertSource } from '../../src/store/sources/index.js';
import type { StoreDialect } from '../../src/store/store.js';
import { captureLogs } from './log-capture.js';
import { TEST_CHANNEL_IDS, testChannelSandbox } from './test-channel.js';
import { createWorld } from './world.js';

export { waitFor } from './wait-for.js';

const { CHANNEL_SECRET, ACCOUNT_ID, SOURCE_EXTERNAL_ID, BOT_ID } = TEST_CHANNEL_IDS;
const OAUTH_CLIENT_ID = '4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const OAUTH_CLIENT_SECRET = 'relay-test-oauth-secret';
// Nothing listens there: the install's redirect fails, the code is taken from the sandbox's answer instead.
const OAUTH_REDIRECT = 'http://127.0.0.1:9/amocrm/oauth/callback';
/** Bearer token of the harness bridge's admin API. */
export const RELAY_ADMIN_TOKEN = 'relay-test-admin-token-0123456789';

/** One manager event as the customer system received it. */
export interface ReceivedEvent {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Record<string, unknown> & { type: string; messageId?: string; chatKey?: string };
  readonly signatureOk: boolean;
  /** What the customer system answered. */
  readonly status: number;
}

/** How the customer system answers; change it at run time. */
export interface CustomerBehaviour {
  /** Answer 503 to this many first POSTs of each event id (by `webhook-id`). */
  failFirstAttempts: number;
  /** `Retry-After` (seconds) sent with those failures; none when undefined. */
  retryAfterSeconds?: number | undefined;
  /** Chat keys refused permanently with 422 `{errorCode: 904}`. */
  refuseChatKeys: Set<string>;
}

/** The "customer system" behind the http channel: a real node:http server verifying our signatures. */
export interface CustomerSystem {
  readonly url: string;
  readonly events: ReceivedEvent[];
  readonly behaviour: CustomerBehaviour;
  /** Accepted (2xx) message events, in arrival order. */
  acceptedMessages(): ReceivedEvent[];
  close(): Promise<void>;
}

/** Options of {@link createRelayHarness}. */
export interface RelayHarnessOptions {
  readonly engine: StoreDialect;
  readonly faults?: FaultSettingsInput;
  /** `settings.capabilities` overrides of the http instance. */
  readonly capabilities?: Readonly<Record<string, boolean>>;
  /** Other settings of the http instance (e.g. `maxFileBytes`, `reactionEmoji`). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Register a channel bot with the sandbox channel and `AMOJO_CHANNEL_BOT_ID` (imports sent as the bot). */
  readonly bot?: boolean;
  /** Run outbound recovery rounds with this interval instead of the service's default (60 s). */
  readonly reconcileIntervalMs?: number;
  /** Other outbound recovery options (scan budget, REST client of an account). */
  readonly recovery?: OutboundRecoveryOptions;
  /** Extra environment for the bridge's config (an empty string unsets a variable the harness sets). */
  readonly env?: Readonly<Record<string, string>>;
  /** Level of the captured bridge log; default `RELAY_LOG_LEVEL` or `info`. */
  readonly logLevel?: 'debug' | 'info';
  /**
   * Configure an amoCRM OAuth integration in the sandbox and the bridge (`AMOCRM_*`, REST calls to the sandbox), so
   * `giveAccountTokens()` can put the account's tokens into the store.
   */
  readonly oauth?: boolean;
}

/** A sandbox, a bridge wired to it through a real port, an http channel instance and its customer system. */
export interface RelayHarness {
  readonly engine: StoreDialect;
  readonly sandbox: Sandbox;
  readonly bridge: Bridge;
  readonly customer: CustomerSystem;
  readonly instanceKey: string;
  readonly instanceSecret: string;
  readonly scopeId: string;
  /** The bridge's base URL. */
  readonly bridgeUrl: string;
  /** The environment the harness bridge was configured with (to run the CLI against the same database). */
  readonly env: Readonly<Record<string, string>>;
  /** Every log line the bridge wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  /** POSTs a signed customer event to the bridge (signature and body overridable to test refusals). */
  postCustomerEvent(
    body: unknown,
    options?: { secret?: string; now?: Date; rawBody?: string; signOver?: string; instanceKey?: string },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** A customer text message; resolves with the bridge's answer. */
  sendCustomerText(
    chatKey: string,
    text: string,
    options?: { eventId?: string; senderName?: string; phone?: string },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** The manager sends a message through the sandbox control API. */
  sendManagerMessage(chatId: string, input: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
  sandboxChats(): Promise<SandboxChatView[]>;
  sandboxMessages(chatId: string): Promise<SandboxMessageView[]>;
  /** The sandbox chat of a customer chat key (after its first message reached amojo). */
  chatOf(chatKey: string): Promise<SandboxChatView | undefined>;
  setFaults(faults: FaultSettingsInput): Promise<void>;
  /** Installs the OAuth integration in the sandbox account and stores the tokens in the bridge (needs `oauth`). */
  giveAccountTokens(): Promise<void>;
  /** The sandbox's request counts (`GET /_sandbox/api/requests`), keyed `"<METHOD> <route>"`. */
  requestCounts(): Promise<Record<string, number>>;
  /** Signs and POSTs a raw hook body to the bridge's intake (for bad-input tests). */
  postHook(
    rawBody: string | Buffer,
    options?: { signature?: string | null; scopeId?: string },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the customer system; `secret` is filled in once the instance exists. */
async function startCustomerSystem(secretRef: { secret: string }): Promise<CustomerSystem> {
  const events: ReceivedEvent[] = [];
  const attempts = new Map<string, number>();
  const behaviour: CustomerBehaviour = { failFirstAttempts: 0, refuseChatKeys: new Set() };
  const server: Server = createServer(async (request, response) => {
    const raw = await readBody(request);
    const verified = verifyWebhook({ headers: request.headers, body: raw, secret: secretRef.secret });
    let body: ReceivedEvent['body'];
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = { type: 'unparsable' };
    }
    const id = String(request.headers['webhook-id'] ?? '');
    const attempt = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, attempt);
    let status = 200;
    let answer: unknown = { id: `cs-${id}` };
    if (!verified.ok) {
      status = 401;
      answer = { error: verified.reason };
    } else if (body.chatKey && behaviour.refuseChatKeys.has(body.chatKey)) {
      status = 422;
      answer = { errorCode: 904, reason: 'this customer cannot be reached any more' };
    } else if (attempt <= behaviour.failFirstAttempts) {
      status = behaviour.retryAfterSeconds === undefined ? 503 : 429;
      answer = { error: 'try later' };
    }
    events.push({ headers: request.headers, body, signatureOk: verified.ok, status });
    const retryAfter =
      status === 429 && behaviour.retryAfterSeconds !== undefined
        ? { 'retry-after': String(behaviour.retryAfterSeconds) }
        : {};
    response.writeHead(status, { 'content-type': 'application/json', ...retryAfter });
    response.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/amojo-bridge/events`,
    events,
    behaviour,
    acceptedMessages: () => events.filter((e) => e.body.type === 'message' && e.status === 200),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return { text };
  }
}

/** Starts everything on real ports and connects the account; `close()` stops it all and drops the database. */
export async function createRelayHarness(options: RelayHarnessOptions): Promise<RelayHarness> {
  const { logs, destination } = captureLogs();
  const log = createLogger({
    level: options.logLevel ?? ((process.env.RELAY_LOG_LEVEL ?? 'info') as 'info'),
    destination,
  });
  const world = await createWorld({
    engine: options.engine,
    sandbox: ({ hookUrl }) =>
      testChannelSandbox(hookUrl, {
        name: 'Relay test channel',
        account: { id: 777, subdomain: 'relay-test' },
        channel: {
          writeFirst: true,
          ...(options.bot ? { bot: { id: BOT_ID, client_id: 'relay-test-bot', name: 'Relay bot' } } : {}),
        },
        ...(options.oauth
          ? {
              integrations: [
                { clientId: OAUTH_CLIENT_ID, clientSecret: OAUTH_CLIENT_SECRET, redirectUri: OAUTH_REDIRECT },
              ],
            }
          : {}),
      }),
    ...(options.faults ? { faults: options.faults } : {}),
    env: (sandbox) => ({
      LOG_LEVEL: 'info',
      ADMIN_TOKEN: RELAY_ADMIN_TOKEN,
      // Fewer slots than the fault tests have runnable lanes, so the worker runs saturated as in production.
      QUEUE_CONCURRENCY: '8',
      QUEUE_POLL_INTERVAL_MS: '100',
      QUEUE_LEASE_MS: '30000',
      ...(options.bot ? { AMOJO_CHANNEL_BOT_ID: BOT_ID, AMOJO_CHANNEL_BOT_NAME: 'Relay bot' } : {}),
      ...(options.oauth
        ? {
            AMOCRM_CLIENT_ID: OAUTH_CLIENT_ID,
            AMOCRM_CLIENT_SECRET: OAUTH_CLIENT_SECRET,
            AMOCRM_REDIRECT_URI: OAUTH_REDIRECT,
            AMOCRM_BASE_URL: sandbox.url,
          }
        : {}),
      ...options.env,
    }),
  });
  const { sandbox, env, config, bridgeUrl: bridgeBase } = world;
  try {
    const secretRef = { secret: '' };
    const customer = await startCustomerSystem(secretRef);
    world.defer(() => customer.close());
    const bridge = await world.createBridge({
      log,
      recovery: {
        ...(options.reconcileIntervalMs ? { intervalMs: options.reconcileIntervalMs } : {}),
        ...options.recovery,
      },
      start: true,
    });
    const account = await connectAccount(bridge, { accountId: asAmojoAccountId(ACCOUNT_ID) });
    const instanceKey = `http_test_${randomUUID().slice(0, 8)}`;
    const instanceSecret = `secret-${randomUUID()}`;
    secretRef.secret = instanceSecret;
    const instance = await upsertChannelInstance(bridge.store.db, {
      key: asChannelInstanceKey(instanceKey),
      kind: 'http',
      name: 'Test customer system',
      accountId: account.id,
      settings: {
        url: customer.url,
        ...(options.capabilities ? { capabilities: options.capabilities } : {}),
        ...options.settings,
      },
      secret: instanceSecret,
      encryptionKey: config.encryptionKey,
      enabled: true,
    });
    await upsertSource(bridge.store.db, {
      accountId: account.id,
      externalId: SOURCE_EXTERNAL_ID,
      channelInstanceId: instance.rowId,
      isDefault: true,
    });

    const postCustomerEvent: RelayHarness['postCustomerEvent'] = async (body, opts = {}) => {
      const raw = opts.rawBody ?? JSON.stringify(body);
      const headers = webhookHeaders({
        body: opts.signOver ?? raw,
        secret: opts.secret ?? instanceSecret,
        ...(opts.now ? { now: opts.now } : {}),
      });
      const response = await fetch(`${bridgeBase}/channels/http/${opts.instanceKey ?? instanceKey}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: raw,
      });
      return { status: response.status, body: await json(response) };
    };
    const sandboxChats = async (): Promise<SandboxChatView[]> =>
      (await fetch(`${sandbox.url}/_sandbox/api/chats`)).json() as Promise<SandboxChatView[]>;
    const harness: RelayHarness = {
      engine: options.engine,
      sandbox,
      bridge,
      customer,
      instanceKey,
      instanceSecret,
      scopeId: account.scopeId,
      bridgeUrl: bridgeBase,
      env,
      logs,
      postCustomerEvent,
      sendCustomerText: (chatKey, text, opts = {}) =>
        postCustomerEvent({
          eventId: opts.eventId ?? randomUUID(),
          chatKey,
          sender: {
            id: `customer-${chatKey}`,
            name: opts.senderName ?? `Customer ${chatKey}`,
            ...(opts.phone ? { phone: opts.phone } : {}),
          },
          message: { type: 'text', text },
          timestamp: Math.floor(Date.now() / 1000),
        }),
      async sendManagerMessage(chatId, input) {
        const response = await fetch(`${sandbox.url}/_sandbox/api/chats/${chatId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
        return { status: response.status, body: await json(response) };
      },
      sandboxChats,
      async sandboxMessages(chatId) {
        return (await fetch(`${sandbox.url}/_sandbox/api/chats/${chatId}/messages`)).json() as Promise<
          SandboxMessageView[]
        >;
      },
      async chatOf(chatKey) {
        const conversation = await bridge.store.db
          .selectFrom('conversations')
          .select(['conversation_id', 'amojo_chat_id'])
          .where('channel_chat_key', '=', chatKey)
          .executeTakeFirst();
        if (!conversation) return undefined;
        return (await sandboxChats()).find((chat) => chat.conversationId === conversation.conversation_id);
      },
      async setFaults(faults) {
        const response = await fetch(`${sandbox.url}/_sandbox/api/faults`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(faults),
        });
        if (!response.ok) throw new Error(`setting faults failed: ${response.status} ${await response.text()}`);
      },
      async giveAccountTokens() {
        if (!options.oauth) throw new Error('giveAccountTokens() needs createRelayHarness({ oauth: true })');
        const installed = await fetch(`${sandbox.url}/_sandbox/api/crm/install`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ account: ACCOUNT_ID, clientId: OAUTH_CLIENT_ID }),
        });
        const { code } = (await installed.json()) as { code: string };
        const { AmocrmClient, MemoryTokenStore } = await import('@amojo-bridge/sdk');
        const tokens = await new AmocrmClient({
          baseUrl: sandbox.url,
          clientId: OAUTH_CLIENT_ID,
          clientSecret: OAUTH_CLIENT_SECRET,
          redirectUri: OAUTH_REDIRECT,
          tokenStore: new MemoryTokenStore(),
          accountKey: ACCOUNT_ID,
        }).exchangeCode(code);
        const { saveAccountTokens } = await import('../../src/store/accounts/index.js');
        await saveAccountTokens(bridge.store.db, {
          accountId: account.id,
          tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt },
          encryptionKey: config.encryptionKey,
        });
        await bridge.store.db
          .updateTable('accounts')
          .set({ oauth_state: 'ok', amocrm_base_url: sandbox.url })
          .where('id', '=', account.id)
          .execute();
      },
      async requestCounts() {
        const answer = await fetch(`${sandbox.url}/_sandbox/api/requests`);
        return ((await answer.json()) as { total: Record<string, number> }).total;
      },
      async postHook(rawBody, opts = {}) {
        const { signHook } = await import('@amojo-bridge/sdk');
        const signature = opts.signature === undefined ? signHook(rawBody, CHANNEL_SECRET) : opts.signature;
        const response = await fetch(`${bridgeBase}/hooks/amojo/${opts.scopeId ?? account.scopeId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-signature': signature }) },
          body: typeof rawBody === 'string' ? rawBody : new Uint8Array(rawBody),
        });
        return { status: response.status, body: await json(response) };
      },
      close: () => world.close(),
    };
    return harness;
  } catch (error) {
    await world.close().catch(() => undefined);
    throw error;
  }
}

/** The ids every test can use. */
export const RELAY_TEST_IDS = TEST_CHANNEL_IDS;
