import type { CrmAccountConfig, CrmIntegrationConfig } from './crm/index.js';
import type { FaultSettingsInput } from './faults/fault-settings.js';

/** The bot registered with a channel (spec 1.2): its `id` is an amojo participant id usable as `sender.ref_id`. */
export interface ChannelBotConfig {
  readonly id: string;
  readonly client_id: string;
  readonly name: string;
}

/** One chat channel as amoCRM support would register it (spec 1.3). */
export interface ChannelConfig {
  readonly id: string;
  /** 40 lowercase hex chars in real life; used as the ASCII bytes of the string for HMAC. */
  readonly secret: string;
  readonly code?: string;
  readonly name: string;
  readonly bot?: ChannelBotConfig;
  /** Hook URL with the literal `:scope_id` marker, e.g. `http://127.0.0.1:8080/hooks/amojo/:scope_id`. */
  readonly hookUrl?: string;
  /** The hook version the channel's URL is registered for; default `v2`. */
  readonly hookApiVersion?: 'v1' | 'v2';
  /** Emoji the channel declared at registration; reactions outside this set are refused. */
  readonly reactions?: readonly string[];
  /** "Write first" enabled (spec 3.4.7); default true. */
  readonly writeFirst?: boolean;
  /** Subscribed to manager typing hooks (spec 4.4); default true. */
  readonly typingHooks?: boolean;
  /** Private channel: only these account amojo ids may connect. Absent = public. */
  readonly allowedAccounts?: readonly string[];
}

/** Minimal pino-compatible logger; every method is optional. */
export interface SandboxLogger {
  readonly debug?: (obj: object, msg?: string) => void;
  readonly info?: (obj: object, msg?: string) => void;
  readonly warn?: (obj: object, msg?: string) => void;
  readonly error?: (obj: object, msg?: string) => void;
}

/** Options of {@link startSandbox}; everything has a default except the channels and accounts. */
export interface SandboxOptions {
  /** Port to listen on; default 0 (a free port). */
  readonly port?: number;
  /** Host to listen on; default 127.0.0.1. */
  readonly host?: string;
  readonly channels: readonly ChannelConfig[];
  readonly accounts: readonly CrmAccountConfig[];
  readonly integrations?: readonly CrmIntegrationConfig[];
  /** Allowed distance between a request's Date header and the clock; default 900 s like amojo. */
  readonly maxDateSkewSeconds?: number;
  /** How long a hook may take before it counts as failed; default 5000 ms like amojo. */
  readonly hookTimeoutMs?: number;
  /**
   * Append `\n` to every hook body, not covered by `X-Signature`, as real amojo deliveries do (spec 4.1); default
   * true. Set false only to reproduce the documentation's examples byte for byte.
   */
  readonly hookTrailingNewline?: boolean;
  readonly faults?: FaultSettingsInput;
  /** Clock; default `() => new Date()`. */
  readonly now?: () => Date;
  readonly log?: SandboxLogger;
  /**
   * JSON file the sandbox loads at start and saves after changes and on close (chats, messages, scopes, CRM data,
   * tokens, uploads; upload bytes in `<file>.uploads/`). Absent: everything stays in memory.
   */
  readonly stateFile?: string;
  /** Passed to the CRM state. */
  readonly accessTokenTtlSeconds?: number;
  readonly refreshTokenTtlSeconds?: number;
  readonly rateLimitPerSecond?: number;
}

/** Emoji a channel supports when its config names none. */
export const DEFAULT_REACTIONS: readonly string[] = ['👍', '❤️', '😂', '😮', '😢', '🙏', '🔥', '😍'];

/** Demo ids: random-looking but fixed, so a developer's bridge config survives sandbox restarts. */
export const DEMO = {
  channelId: '7d1e4b2a-93c5-4f08-a6d1-2b8e5c0f9a31',
  channelSecret: '3f9a1c7e5b2d8046a1e9c3b7d5f20864ae1c9b37',
  channelCode: 'amo.ext.sandbox_demo',
  botId: 'b3c8e1f4-52a7-4d90-8e6b-1f0a9c7d2e54',
  accountAmojoId: 'e6a2c9d1-4b7f-4e38-9a05-c31d8f6b2e70',
  accountId: 31415926,
  subdomain: 'sandbox-demo',
  managerAmojoIds: ['a41f7c2e-9d3b-4a86-b5e0-7c2d9f1e8b43', 'c92e5a1d-7f4b-4c03-8e69-2a5d1b7f0c86'],
  clientId: '5c0e8a3f-1b7d-4e92-a6c4-9f2d8b1e7a05',
  clientSecret: 'Sx9vQ2mLr7TfW4kZp1NcJ8hYb3GdA6uE5oRiK0aV',
  redirectUri: 'http://127.0.0.1:8080/amocrm/oauth/callback',
} as const;

/** A demo setup: one channel, one account with two managers, one OAuth integration. */
export function defaultDemoConfig(
  overrides: { hookUrl?: string; redirectUri?: string; disabledHookUrl?: string } = {},
): SandboxOptions {
  return {
    channels: [
      {
        id: DEMO.channelId,
        secret: DEMO.channelSecret,
        code: DEMO.channelCode,
        name: 'Sandbox demo channel',
        bot: { id: DEMO.botId, client_id: 'sandbox-demo-bot', name: 'Demo bot' },
        hookUrl: overrides.hookUrl ?? 'http://127.0.0.1:8080/hooks/amojo/:scope_id',
        hookApiVersion: 'v2',
        reactions: DEFAULT_REACTIONS,
        writeFirst: true,
        typingHooks: true,
      },
    ],
    accounts: [
      {
        amojoId: DEMO.accountAmojoId,
        id: DEMO.accountId,
        subdomain: DEMO.subdomain,
        name: 'Sandbox demo account',
        users: [
          {
            id: 5001,
            name: 'Anna Manager',
            email: 'anna@sandbox.example',
            amojoId: DEMO.managerAmojoIds[0],
            isAdmin: true,
          },
          { id: 5002, name: 'Boris Manager', email: 'boris@sandbox.example', amojoId: DEMO.managerAmojoIds[1] },
        ],
      },
    ],
    integrations: [
      {
        clientId: DEMO.clientId,
        clientSecret: DEMO.clientSecret,
        redirectUri: overrides.redirectUri ?? DEMO.redirectUri,
        ...(overrides.disabledHookUrl ? { disabledHookUrl: overrides.disabledHookUrl } : {}),
        channelId: DEMO.channelId,
        multipleSources: true,
      },
    ],
  };
}
