/** One CRM user as configured; `amojoId` is the user's id on the Chats side (null when never linked). */
export interface CrmUserConfig {
  readonly id: number;
  readonly name: string;
  readonly email?: string;
  readonly amojoId: string | null;
  readonly isAdmin?: boolean;
}

/** One emulated amoCRM account, identified across the sandbox by its amojo id. */
export interface CrmAccountConfig {
  readonly amojoId: string;
  readonly id: number;
  readonly subdomain: string;
  readonly name?: string;
  readonly users: readonly CrmUserConfig[];
}

/** One OAuth integration that can be installed into any account. */
export interface CrmIntegrationConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly disabledHookUrl?: string;
  readonly multipleSources?: boolean;
  readonly widgetCode?: string;
  readonly channelId?: string;
}

/** The CRM side of the sandbox configuration. */
export interface CrmConfig {
  readonly accounts: readonly CrmAccountConfig[];
  readonly integrations: readonly CrmIntegrationConfig[];
  /** Access token lifetime, default 86400 s. */
  readonly accessTokenTtlSeconds?: number;
  /** Refresh token lifetime, default 90 days. */
  readonly refreshTokenTtlSeconds?: number;
  /** Requests per second allowed per access token on `/api/v4/**`, default 7. */
  readonly rateLimitPerSecond?: number;
}

/** A contact; `chatIds` are the amojo chats linked to it. */
export interface CrmContact {
  readonly id: number;
  readonly name: string;
  readonly phone?: string;
  readonly email?: string;
  readonly chatIds: readonly string[];
}

/** A lead; the sandbox only creates unsorted ones. */
export interface CrmLead {
  readonly id: number;
  readonly name: string;
  readonly contactId: number | null;
  readonly status: 'unsorted';
  readonly pipelineId: number;
  readonly sourceExternalId?: string;
  readonly chatId?: string;
}

/** A source (spec 5.3) owned by one integration in one account. */
export interface CrmSource {
  readonly id: number;
  readonly name: string;
  readonly external_id: string;
  readonly default: boolean;
  readonly pipeline_id: number;
  readonly origin_code: string | null;
  readonly clientId: string;
}

/** What the control API and the inbox see of one account's CRM data. */
export interface CrmSnapshot {
  readonly contacts: readonly CrmContact[];
  readonly leads: readonly CrmLead[];
  readonly sources: readonly CrmSource[];
}

/** What changed in the CRM, emitted as the `change` event. */
export interface CrmChangeEvent {
  readonly accountAmojoId: string;
  readonly what: 'contact' | 'lead' | 'source' | 'link' | 'token' | 'integration';
}
