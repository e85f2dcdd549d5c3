import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ChannelsConfig } from '../config/bridge-config.js';
import { BridgeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ChannelInstanceKey } from '../store/ids.js';
import type { Store } from '../store/store.js';
import type {
  ChannelInstanceRecord,
  ChannelMessageType,
  ChannelSendResult,
  InboundChannelEvent,
  OutboundChannelMessage,
  OutboundReaction,
  OutboundTyping,
  ReceiveResult,
} from './channel-adapter.js';
import type { ChannelProblem } from './health/channel-health.js';

/*
 * The channel plugin contract: what a messenger integration gives the bridge, and what the bridge gives it.
 *
 * A channel is ONE folder under `channels/` and ONE entry in `channelPlugins` (`channel-plugins.ts`). Nothing outside
 * `channels/` names a kind: the service, the CLI, the admin API and the dashboard work from this contract alone.
 *
 * Life of a plugin inside one bridge process:
 *   1. assembly (`createBridge`): for each plugin, the bridge builds one `ChannelRuntime` (stable for the life of the
 *      bridge) and calls `routes(app, runtime)` once, inside its own encapsulated Fastify scope;
 *   2. start (`bridge.start()`): `createAdapter(instance, runtime)` for every enabled instance of the kind, so
 *      channels that pull (long polling) run without waiting for a first outbound message;
 *   3. running: every inbound event goes through `runtime.receive(event)`; the outbound pipelines call the
 *      adapter's `send` and whichever optional methods it has; when an instance's settings, secret or account
 *      change, or it is removed or disabled, the old adapter's `stop()` is awaited and (unless removed) a new one is
 *      created from the new record: at once when the change is made through this process's admin API, otherwise
 *      at the adapter's next use or the bridge's next re-read of the instances (every 30 s);
 *   4. stop (`bridge.stop()`): the server stops taking requests (routes' in-flight requests finish), in-flight jobs
 *      finish, then every adapter's `stop()`, then the `runtime.onClose` callbacks.
 *
 * Health (`channels/health/`): the bridge derives each instance's state (ok / degraded / broken) from what the hooks
 * answer, so a plugin writes no health code: every `send` result after it returns (902 = bad credentials, broken at
 * once; 903 and retryable failures = degraded, broken after 5 in a row; 901/904 concern one customer and change
 * nothing; `channelProblem` on a refusal names an instance-wide problem the code does not), and every `check` that
 * passed during create/update (a replaced token makes a broken instance ok). Answer refusals truthfully and the
 * state, the operator alert and `/metrics` follow.
 *
 * Management (CLI `amojo-bridge channels ...`, admin API `/admin/api/channel-instances`, dashboard) runs in the same
 * process or in another one (the CLI), with a `ChannelManagementContext` only: no inbound port, no adapters.
 */

/** Minimal `fetch` the bridge hands to channels: the global one in production, an injected one in tests. */
export type ChannelFetch = (input: string, init: RequestInit) => Promise<Response>;

/**
 * What every plugin hook gets, in the bridge and in a management command alike.
 */
export interface ChannelManagementContext {
  /** Logger already bound to `{ channel: kind }`. Never log a secret setting, the instance secret or a token URL. */
  readonly log: Logger;
  readonly now: () => Date;
  /** Use this, never the global, so tests point the channel at an emulator. */
  readonly fetch: ChannelFetch;
  /** `PUBLIC_URL` of the bridge (no trailing slash), when configured: the base of any URL a messenger must call. */
  readonly publicUrl: string | undefined;
  /**
   * The base for URLs shown to a person: `PUBLIC_URL`, or else the address the bridge listens on
   * (`http://HOST:PORT`, a wildcard host shown as 127.0.0.1). Never pass it to a messenger as a webhook URL.
   */
  readonly bridgeUrl: string;
}

/**
 * Why `runtime.receive` refused an event it can never take (unknown instance or message, no connected account):
 * answer the messenger with `statusCode` (4xx) and the message; do not retry.
 */
export class ChannelEventRefusedError extends BridgeError {
  override readonly name = 'ChannelEventRefusedError';
  /** HTTP status to answer with (400, 404 or 409). */
  readonly statusCode: number;
  constructor(message: string, statusCode: number, options?: { cause?: unknown }) {
    super('channel_event_refused', message, options);
    this.statusCode = statusCode;
  }
}

/** Options of {@link ChannelRuntime.receive}. */
export interface ChannelReceiveOptions {
  /**
   * The event's instance when the caller already loaded it (to verify a signature), saving one read. Must be the
   * record `findInstance` returned for `event.instanceId`; anything else is ignored and the instance is re-read.
   */
  readonly instance?: ChannelInstanceRecord;
}

/**
 * What the bridge gives a plugin's routes and adapters. ONE object per plugin per bridge, the same in `routes` and in
 * every `createAdapter` call, so a plugin may keep per-bridge state keyed on it (a WeakMap; see the webchat hub).
 */
/** Bridge-wide knobs of the built-in channel kinds (`ChannelsConfig`, from `config-schema.ts`). */
export type ChannelTuning = ChannelsConfig;

export interface ChannelRuntime<Settings = Readonly<Record<string, unknown>>> extends ChannelManagementContext {
  /**
   * The ONE inbound port, used by every channel for every customer event (messages, read receipts, typing).
   *
   * Stores the event and enqueues its job in one grouped transaction and resolves only after the commit: acknowledge
   * the messenger (HTTP 200, a socket ack, a long-polling offset) only AFTER it resolves, never before. The same
   * `eventId` twice resolves `{ duplicate: true }` with the first message's id and stores nothing, so a messenger's
   * redelivery is safe. Rejects with an error whose `statusCode` (4xx) says the event cannot be taken (unknown
   * instance or message, no connected account; a {@link ChannelEventRefusedError}): answer the messenger with it, do
   * not retry. Any other rejection
   * means nothing was stored: let the messenger redeliver (answer 5xx, keep the offset).
   *
   * Typing is ephemeral and resolves at once; it is dropped when the chat is not yet known to amoCRM.
   */
  receive(event: InboundChannelEvent, options?: ChannelReceiveOptions): Promise<ReceiveResult>;
  /**
   * An enabled instance of THIS plugin's kind by its key, its settings parsed by the plugin's schema (defaults
   * filled in, secret settings decrypted) and its instance secret decrypted; `undefined` for an unknown key, a
   * disabled instance, another kind, or stored settings the schema no longer accepts (logged). One database read
   * per call: routes call it per request, so a change made by the CLI in another process takes effect at once.
   */
  findInstance(key: ChannelInstanceKey): Promise<ChannelInstanceRecord<Settings> | undefined>;
  /** Every enabled instance of this plugin's kind, in creation order (same parsing as `findInstance`). */
  listInstances(): Promise<ChannelInstanceRecord<Settings>[]>;
  /**
   * The store, for the channel's OWN tables (webchat visitors and uploads, Telegram files). A channel never writes
   * messages, conversations or jobs itself: that is what `receive` is for.
   */
  readonly store: Store;
  /** The database URL the store was opened with (e.g. for a PostgreSQL LISTEN connection of the channel's own). */
  readonly databaseUrl: string;
  /**
   * `CHANNEL_BODY_LIMIT_BYTES`: the largest request body a channel's inbound routes should read (webchat uploads
   * have their instance's own limit). Undefined where a runtime is built by hand (tests): use the channel default.
   */
  readonly bodyLimitBytes?: number | undefined;
  /**
   * The configuration's `channels` section (http POST timeout, webchat start rate). Undefined where a runtime is
   * built by hand (tests): use the channel default.
   */
  readonly tuning?: ChannelTuning | undefined;
  /** Registers a release (close a listener, a pool) run once when the bridge stops, after every adapter stopped. */
  onClose(release: () => Promise<void> | void): void;
  /**
   * Reports what the channel saw of an instance outside a send (a polling loop refused with 401: `bad_credentials`;
   * accepted again: ok), recorded as its health like a send result, with the same alerts and the release of the
   * sends held while it was broken (`channels/health/`). Never rejects. Report a change, not every poll: an ok is
   * only worth reporting after a failure. Undefined where a runtime is built by hand (tests).
   */
  readonly reportHealth?: (instance: ChannelInstanceRecord<Settings>, signal: ChannelHealthReport) => Promise<void>;
}

/** What {@link ChannelRuntime.reportHealth} takes: ok, or a problem with a reason that holds no secret. */
export type ChannelHealthReport =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: ChannelProblem; readonly reason: string };

/**
 * The outbound side of ONE instance, created by {@link ChannelPlugin.createAdapter}.
 *
 * A capability is an OPTIONAL METHOD: implement `typing` only if the messenger can show a manager typing, `react`
 * only if it can show reactions. An absent method is the whole declaration; the bridge then applies its fallback
 * (typing and reactions are dropped) and tells amoCRM the truth through `delivery_status`. Never implement a method
 * that pretends (answers ok without doing anything).
 *
 * Every method is called from a queue worker, one conversation at a time in order, possibly concurrently for
 * different conversations, and again after a crash: the same `messageId` / `eventId` on every attempt, so pass it to
 * the messenger as an idempotency key where it has one. Methods must not throw for a refusal: answer
 * `{ ok: false, errorCode, reason, retryable }` (901 blocked by the user, 902 instance not set up, 903 messenger
 * unreachable, 904 recipient unknown, 905 anything else). A retryable refusal is retried by the queue with backoff,
 * waiting at least `retryAfterMs` when the answer carries it (a messenger's 429 `retry_after`); after the last
 * attempt it is reported to amoCRM as is. A thrown error is treated as retryable too. Never block longer than one
 * request to the messenger (bounded by a timeout); retries belong to the queue, so they survive restarts. `reason`
 * is shown to the manager and logged: never put a token or a secret URL in it.
 */
export interface ChannelAdapter {
  /**
   * The message types this instance can carry. A manager message of another type is not passed to `send`: amoCRM
   * gets -1 / 905 naming the type.
   */
  readonly messageTypes: readonly ChannelMessageType[];
  /**
   * The largest media file, bytes (by the message's `fileSize`), the messenger takes; undefined when it says none. A
   * manager file over it is not passed to `send` as a file: the customer gets its download link as text (the
   * bridge's fallbacks), or amoCRM -1 / 905 when the channel carries no text either.
   */
  readonly maxFileBytes?: number;
  /**
   * The longest text (or caption), characters, the messenger takes in one message; undefined when it says none or
   * the adapter splits on its own (Telegram). A longer manager text is sent as several messages, split at line and
   * word breaks, each with its own id (`<messageId>`, `<messageId>-2`, ...); a media message whose caption is over
   * it is refused with -1/905 naming both lengths.
   */
  readonly maxTextLength?: number;
  /**
   * True when `send` shows a forwarded message (`message.forwarded`) itself. Otherwise the bridge puts it into the
   * text ("Forwarded from <author>:" and its text, then the manager's own text) before calling `send`.
   */
  readonly showsForwards?: boolean;
  /** Delivers one manager message; `{ ok: true }` once the messenger accepted it (amoCRM then shows "delivered"). */
  send(message: OutboundChannelMessage): Promise<ChannelSendResult>;
  /** Shows a manager typing; ephemeral (never retried); a `void` answer counts as accepted. */
  typing?(event: OutboundTyping): Promise<ChannelSendResult | undefined>;
  /** Shows (or removes, `type: 'unreact'`) a manager reaction on a message; a `void` answer counts as accepted. */
  react?(event: OutboundReaction): Promise<ChannelSendResult | undefined>;
  /**
   * Releases what the adapter holds (a long-polling loop, a timer, a socket). Called when the bridge stops and
   * before the adapter is replaced (changed settings) or its instance removed; no method is called after it
   * starts. Must finish what it acknowledged (a polled batch already passed to `receive`) and then return; it must
   * not wait for the messenger longer than one request.
   */
  stop?(): Promise<void>;
}

/** A candidate instance as {@link ChannelPlugin.check} sees it, before it is saved. */
export interface ChannelInstanceCandidate<Settings = Readonly<Record<string, unknown>>> {
  /** The instance key (new or existing). */
  readonly key: string;
  readonly name: string;
  /** Settings parsed by the plugin's schema, secret settings in clear text. */
  readonly settings: Settings;
  /** True when the instance is being created, false for an update. */
  readonly creating: boolean;
}

/** What {@link ChannelPlugin.check} found. */
export interface ChannelCheckResult {
  /** Lines to show the person once the instance is saved (e.g. `bot @shop_bot (id 123456)`); never a secret. */
  readonly notes?: readonly string[];
  /**
   * Non-secret settings the check learnt (e.g. the bot's username), merged over the given settings before saving.
   * Must still pass the plugin's schema.
   */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** Raised by a plugin hook to refuse settings; the CLI and the admin API answer 400 naming `settings.<field>`. */
export class ChannelSettingsError extends BridgeError {
  override readonly name = 'ChannelSettingsError';
  /** The setting refused, a dotted path inside `settings` (e.g. `token`, `uploads.maxBytes`). */
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super('channel_settings_invalid', message, options);
    this.field = field;
  }
}

/**
 * How the bridge treats the instance secret (`channel_instances.secret_enc`, `instance.secret`): a random value it
 * generates at creation (32 bytes, base64url, 43 characters of `[A-Za-z0-9_-]`), stored encrypted at rest.
 * - `none`: no instance secret;
 * - `internal`: generated and kept inside the bridge (webchat: the key of visitor tokens; a Telegram webhook
 *   `secret_token`); never shown;
 * - `shown-once`: generated and printed once at creation, for the person to give the other side (http: the HMAC key
 *   the customer system signs with); never shown again.
 */
export type ChannelInstanceSecret = 'none' | 'internal' | 'shown-once';

/**
 * A channel kind. Plain data plus hooks; no work at import time.
 *
 * @example
 * export const exampleChannelPlugin = defineChannelPlugin({
 *   kind: 'example',
 *   title: 'Example messenger',
 *   description: 'One bot per instance.',
 *   settings: z.object({ token: z.string().min(1) }),
 *   secretSettings: ['token'],
 *   instanceSecret: 'internal',
 *   createAdapter: (instance, runtime) => ({ messageTypes: ['text'], send: async (m) => ({ ok: true }) }),
 * });
 */
export interface ChannelPlugin<Schema extends z.ZodObject = z.ZodObject> {
  /** Stable id of the kind: `channel_instances.kind`, the CLI's `channels add <kind>`; `^[a-z][a-z0-9-]{0,31}$`. */
  readonly kind: string;
  /** Human name for lists and the dashboard ("Website chat"). */
  readonly title: string;
  /** One or two sentences for `channels add --help` and the dashboard. */
  readonly description: string;
  /**
   * Schema of the instance settings, as a person writes them (CLI `--set`, admin API `settings`). Its INPUT side is
   * what is stored (minus secret settings) and published as JSON Schema (`GET /admin/api/channel-kinds`, zod's
   * `z.toJSONSchema(schema, { io: 'input' })`), so keep it representable: defaults, `.describe()`, `.meta()`, refinements
   * and transforms are fine; preprocess is not. Unknown keys are refused by the management layer (a typo is a 400),
   * whatever the schema says. Its OUTPUT is `instance.settings` for the adapter and routes.
   */
  readonly settings: Schema;
  /**
   * Top-level settings that are secrets (bot tokens, API keys): stored encrypted at rest in one envelope, never
   * returned by the admin API or printed by the CLI (lists say only that they are set), never logged. Given again
   * on update to replace them.
   */
  readonly secretSettings: readonly (keyof z.input<Schema> & string)[];
  /** Whether the bridge generates an instance secret, and whether it is shown (once). */
  readonly instanceSecret: ChannelInstanceSecret;
  /**
   * Checks a candidate instance with the messenger before it is saved (Telegram: `getMe` on the token). Called by
   * create and by update when settings change, in the management process, with no bridge running. Throw a
   * {@link ChannelSettingsError} to refuse (nothing is saved); any other error refuses too, with its message.
   * May take a few seconds (one or two requests); must not change anything at the messenger.
   */
  check?(
    candidate: ChannelInstanceCandidate<z.output<Schema>>,
    context: ChannelManagementContext,
  ): Promise<ChannelCheckResult | undefined>;
  /**
   * What the person needs to connect the other side, shown after create and in `channels list`: labelled values,
   * e.g. `{ eventsUrl }` for http or `{ snippet }` (the script tag) for webchat. Pure (no I/O, no secrets); the
   * admin API returns it as is, the CLI prints `label: value` lines. A value starting with `/` is a path on the
   * bridge's public address (the CLI shows it after `bridgeUrl`).
   */
  connectionInfo?(
    instance: ChannelInstanceRecord<z.output<Schema>>,
    context: ChannelManagementContext,
  ): Readonly<Record<string, string>>;
  /**
   * Creates the outbound side of one instance (see the life cycle above). Called at bridge start for every enabled
   * instance, on first use, and after each change of the instance. May be async to set up at the messenger (register
   * a webhook, start polling), but must resolve within one or two requests: a failure is logged and the creation is
   * retried on next use, so throw rather than hang. Must not call `runtime.receive` before it resolves; must not
   * assume it is the only adapter of the instance across processes (several bridges may share one PostgreSQL).
   */
  createAdapter(
    instance: ChannelInstanceRecord<z.output<Schema>>,
    runtime: ChannelRuntime<z.output<Schema>>,
  ): ChannelAdapter | Promise<ChannelAdapter>;
  /**
   * Registers the channel's inbound HTTP routes, once per bridge, in an encapsulated Fastify scope of its own (its
   * content-type parsers, error handler and plugins stay inside). Mount under `/<kind>` or `/channels/<kind>`; never
   * under `/admin`, `/hooks`, `/healthz`, `/readyz` or `/metrics`. A handler verifies the caller (signature, secret
   * token, Origin), then passes each event to `runtime.receive` and answers only after it resolves. Nothing slow
   * may run at registration: it happens before the bridge listens.
   */
  routes?(app: FastifyInstance, runtime: ChannelRuntime<z.output<Schema>>): Promise<void> | void;
  /**
   * Called after an instance was removed through the CLI or the admin API (its conversations stay, see README),
   * to undo what it set up at the messenger (Telegram: `deleteWebhook`). Best effort: a failure is logged and
   * reported, the removal stands.
   */
  removed?(instance: ChannelInstanceRecord<z.output<Schema>>, context: ChannelManagementContext): Promise<void>;
}

/** A plugin of any settings schema, as the registry holds them. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds plugins of different schemas; each is checked by defineChannelPlugin.
export type AnyChannelPlugin = ChannelPlugin<any>;

/** Identity function that infers the settings type of a plugin (write plugins with it). */
export function defineChannelPlugin<Schema extends z.ZodObject>(plugin: ChannelPlugin<Schema>): ChannelPlugin<Schema> {
  return plugin;
}
