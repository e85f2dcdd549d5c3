import { EventEmitter } from 'node:events';
import { SandboxError } from '../errors.js';
import { OAuthStore, type OAuthStoreData } from './oauth-store.js';
import { DEFAULT_PIPELINE_ID, SourceStore, type StoredSource } from './source-store.js';
import type {
  CrmAccountConfig,
  CrmChangeEvent,
  CrmConfig,
  CrmContact,
  CrmIntegrationConfig,
  CrmLead,
  CrmSnapshot,
  CrmSource,
  CrmUserConfig,
} from './types.js';

/** Options of {@link CrmState}. */
export interface CrmStateOptions {
  /** Clock, injectable so tests can expire codes and tokens. */
  readonly now?: () => Date;
}

/** A contact as stored, with its account and timestamps. */
export interface StoredContact {
  readonly id: number;
  readonly accountAmojoId: string;
  readonly name: string;
  readonly phone?: string;
  readonly email?: string;
  readonly createdAt: number;
  readonly createdBy: number;
  /** Set by PATCH; absent until the contact is first changed. */
  readonly updatedAt?: number;
}

/** A contact<->chat link; `id` changes whenever the chat moves to another contact (spec 5.4). */
export interface ChatLink {
  readonly id: number;
  readonly chatId: string;
  readonly contactId: number;
}

/** One outgoing platform call (install redirect or disabled hook) and its answer; URLs carry no code or signature. */
export interface IntegrationCall {
  readonly kind: 'install' | 'disable';
  readonly accountAmojoId: string;
  readonly clientId: string;
  readonly url: string;
  readonly at: number;
  readonly status?: number;
  readonly error?: string;
  readonly durationMs: number;
}

interface StoredLead extends CrmLead {
  readonly accountAmojoId: string;
}

/** Everything a {@link CrmState} holds beyond its configuration, as plain JSON (for the sandbox's state file). */
export interface CrmStateData {
  readonly installed: readonly string[];
  readonly contacts: readonly StoredContact[];
  readonly leads: readonly (CrmLead & { readonly accountAmojoId: string })[];
  readonly links: readonly ChatLink[];
  readonly calls: readonly IntegrationCall[];
  readonly nextIds: { readonly contact: number; readonly lead: number; readonly link: number };
  readonly oauth: OAuthStoreData;
  readonly sources: ReturnType<SourceStore['exportData']>;
}

const DEFAULT_ACCESS_TTL_SECONDS = 86_400;
const DEFAULT_REFRESH_TTL_SECONDS = 90 * 86_400;
const DEFAULT_RATE_LIMIT_PER_SECOND = 7;

/** In-memory CRM data of every emulated account: OAuth state, sources, contacts, leads and chat links. */
export class CrmState {
  /** The configuration this state was built from. */
  readonly config: CrmConfig;
  /** Codes, access tokens and refresh tokens. */
  readonly oauth: OAuthStore;
  /** Sources of every integration in every account. */
  readonly sourceStore: SourceStore;
  /** Requests per second allowed per access token. */
  readonly rateLimitPerSecond: number;
  readonly #accounts = new Map<string, CrmAccountConfig>();
  readonly #integrations = new Map<string, CrmIntegrationConfig>();
  /** `${accountAmojoId}|${clientId}` of installations that are currently enabled. */
  readonly #installed = new Set<string>();
  readonly #contacts = new Map<number, StoredContact>();
  readonly #leads = new Map<number, StoredLead>();
  /** chat id -> link; a chat links to at most one contact. */
  readonly #links = new Map<string, ChatLink>();
  readonly #events = new EventEmitter();
  readonly #calls: IntegrationCall[] = [];
  readonly #now: () => Date;
  #nextContactId = 5_000_001;
  #nextLeadId = 9_000_001;
  #nextLinkId = 26_001;

  constructor(config: CrmConfig, options: CrmStateOptions = {}) {
    this.config = config;
    this.#now = options.now ?? (() => new Date());
    for (const account of config.accounts) this.#accounts.set(account.amojoId, account);
    for (const integration of config.integrations) this.#integrations.set(integration.clientId, integration);
    this.rateLimitPerSecond = config.rateLimitPerSecond ?? DEFAULT_RATE_LIMIT_PER_SECOND;
    this.oauth = new OAuthStore({
      nowMs: () => this.nowMs(),
      accessTokenTtlSeconds: config.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TTL_SECONDS,
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds ?? DEFAULT_REFRESH_TTL_SECONDS,
    });
    this.sourceStore = new SourceStore({ onChange: (accountAmojoId) => this.emitChange(accountAmojoId, 'source') });
    // One listener per open inbox/SSE connection is normal, not a leak.
    this.#events.setMaxListeners(0);
  }

  /** Current time in ms, from the injected clock. */
  nowMs(): number {
    return this.#now().getTime();
  }

  /** The account with this amojo id. */
  account(amojoId: string): CrmAccountConfig | undefined {
    return this.#accounts.get(amojoId);
  }

  /** Every configured account. */
  accounts(): readonly CrmAccountConfig[] {
    return [...this.#accounts.values()];
  }

  /** The integration with this client id. */
  integration(clientId: string): CrmIntegrationConfig | undefined {
    return this.#integrations.get(clientId);
  }

  /** The user who installs integrations and owns their tokens: the first admin, else the first user. */
  installingUser(account: CrmAccountConfig): CrmUserConfig | undefined {
    return account.users.find((u) => u.isAdmin === true) ?? account.users[0];
  }

  /** Whether a user has account-admin rights; without any `isAdmin` in the config the first user is the admin. */
  isAdmin(account: CrmAccountConfig, userId: number): boolean {
    const user = account.users.find((u) => u.id === userId);
    if (!user) return false;
    if (user.isAdmin !== undefined) return user.isAdmin;
    return account.users.every((u) => u.isAdmin === undefined) && account.users[0]?.id === userId;
  }

  /** Whether the integration is currently enabled in the account. */
  isInstalled(accountAmojoId: string, clientId: string): boolean {
    return this.#installed.has(`${accountAmojoId}|${clientId}`);
  }

  /**
   * Enables the integration in the account. Without the "Multiple sources" flag amoCRM auto-creates one source whose
   * external_id is the widget code (spec 5.3, 6.3); the sandbox does so when the integration has a widget code.
   */
  markInstalled(accountAmojoId: string, clientId: string): void {
    this.#installed.add(`${accountAmojoId}|${clientId}`);
    const integration = this.#integrations.get(clientId);
    if (integration && !integration.multipleSources && integration.widgetCode) {
      this.sourceStore.ensure(
        { accountAmojoId, clientId },
        { name: integration.widgetCode, externalId: integration.widgetCode, default: true },
      );
    }
    this.emitChange(accountAmojoId, 'integration');
  }

  /** Disables the integration in the account and revokes its tokens; returns how many tokens were live. */
  markDisabled(accountAmojoId: string, clientId: string): number {
    this.#installed.delete(`${accountAmojoId}|${clientId}`);
    const revoked = this.oauth.revoke(accountAmojoId, clientId);
    this.emitChange(accountAmojoId, 'token');
    this.emitChange(accountAmojoId, 'integration');
    return revoked;
  }

  /** Records an install redirect or disabled hook attempt. */
  recordCall(call: IntegrationCall): void {
    this.#calls.push(call);
    this.emitChange(call.accountAmojoId, 'integration');
  }

  /** Installations of an account (or all) with their state and every recorded platform call, oldest first. */
  integrations(accountAmojoId?: string): readonly {
    readonly accountAmojoId: string;
    readonly clientId: string;
    readonly installed: boolean;
    readonly calls: readonly IntegrationCall[];
  }[] {
    const out = [];
    for (const account of this.#accounts.values()) {
      if (accountAmojoId !== undefined && account.amojoId !== accountAmojoId) continue;
      for (const integration of this.#integrations.values()) {
        out.push({
          accountAmojoId: account.amojoId,
          clientId: integration.clientId,
          installed: this.isInstalled(account.amojoId, integration.clientId),
          calls: this.#calls.filter((c) => c.accountAmojoId === account.amojoId && c.clientId === integration.clientId),
        });
      }
    }
    return out;
  }

  /** Creates a contact named after the client, links the chat to it and opens an unsorted lead (spec 3.4). */
  createContactAndLead(input: {
    accountAmojoId: string;
    chatId: string;
    name: string;
    phone?: string;
    email?: string;
    sourceExternalId?: string;
  }): { contactId: number; leadId: number } {
    const contact = this.addContact(input.accountAmojoId, {
      name: input.name,
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
    });
    this.linkChat(input.chatId, contact.id);
    const accountSources = this.sourceStore.all(input.accountAmojoId);
    // Spec 5.3: an unknown or missing external_id falls back to the default source, else to no source.
    const source =
      (input.sourceExternalId !== undefined
        ? accountSources.find((s) => s.external_id === input.sourceExternalId)
        : undefined) ?? accountSources.find((s) => s.default);
    const lead: StoredLead = {
      id: this.#nextLeadId++,
      accountAmojoId: input.accountAmojoId,
      name: `Lead from ${input.name}`,
      contactId: contact.id,
      status: 'unsorted',
      pipelineId: source?.pipeline_id ?? DEFAULT_PIPELINE_ID,
      ...(source ? { sourceExternalId: source.external_id } : {}),
      chatId: input.chatId,
    };
    this.#leads.set(lead.id, lead);
    this.emitChange(input.accountAmojoId, 'lead');
    return { contactId: contact.id, leadId: lead.id };
  }

  /** Adds a contact to an account. */
  addContact(
    accountAmojoId: string,
    input: { name: string; phone?: string; email?: string; createdBy?: number },
  ): StoredContact {
    const contact: StoredContact = {
      id: this.#nextContactId++,
      accountAmojoId,
      name: input.name,
      createdAt: Math.floor(this.nowMs() / 1000),
      createdBy: input.createdBy ?? 0,
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
    };
    this.#contacts.set(contact.id, contact);
    this.emitChange(accountAmojoId, 'contact');
    return contact;
  }

  /** Changes a contact's name, phone or e-mail (fields left undefined keep their value); undefined when unknown. */
  updateContact(
    accountAmojoId: string,
    id: number,
    patch: { name?: string; phone?: string; email?: string },
  ): StoredContact | undefined {
    const current = this.contact(accountAmojoId, id);
    if (!current) return undefined;
    const next: StoredContact = {
      ...current,
      ...(patch.name !== undefined && patch.name !== '' ? { name: patch.name } : {}),
      ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
      ...(patch.email !== undefined ? { email: patch.email } : {}),
      updatedAt: Math.floor(this.nowMs() / 1000),
    };
    this.#contacts.set(id, next);
    this.emitChange(accountAmojoId, 'contact');
    return next;
  }

  /** A contact of the account, if it exists there. */
  contact(accountAmojoId: string, id: number): StoredContact | undefined {
    const contact = this.#contacts.get(id);
    return contact?.accountAmojoId === accountAmojoId ? contact : undefined;
  }

  /** Contacts of an account, oldest first. */
  contacts(accountAmojoId: string): readonly StoredContact[] {
    return [...this.#contacts.values()].filter((c) => c.accountAmojoId === accountAmojoId);
  }

  /** Links a chat to a contact, moving it away from any previous contact (a new link id when it moves). */
  linkChat(chatId: string, contactId: number): ChatLink {
    const contact = this.#contacts.get(contactId);
    if (!contact) throw new SandboxError(`Contact ${contactId} does not exist`, { code: 'CRM_CONTACT_NOT_FOUND' });
    const existing = this.#links.get(chatId);
    if (existing?.contactId === contactId) return existing;
    const link: ChatLink = { id: this.#nextLinkId++, chatId, contactId };
    this.#links.set(chatId, link);
    this.emitChange(contact.accountAmojoId, 'link');
    return link;
  }

  /** Links of an account, optionally only those matching one of the chat ids or contact ids. */
  chatLinks(
    accountAmojoId: string,
    filter: { chatIds?: readonly string[]; contactIds?: readonly number[] } = {},
  ): readonly ChatLink[] {
    return [...this.#links.values()].filter(
      (link) =>
        this.#contacts.get(link.contactId)?.accountAmojoId === accountAmojoId &&
        (filter.chatIds === undefined || filter.chatIds.includes(link.chatId)) &&
        (filter.contactIds === undefined || filter.contactIds.includes(link.contactId)),
    );
  }

  /** The contact a chat is linked to. */
  contactForChat(chatId: string): CrmContact | undefined {
    const link = this.#links.get(chatId);
    const contact = link ? this.#contacts.get(link.contactId) : undefined;
    return contact ? this.#contactView(contact) : undefined;
  }

  /** All integrations' sources of that account. */
  sources(accountAmojoId: string): readonly CrmSource[] {
    return this.sourceStore.all(accountAmojoId).map(sourceView);
  }

  /** CRM data of one account, or of every account when none is given. */
  snapshot(accountAmojoId?: string): CrmSnapshot {
    const mine = (r: { accountAmojoId: string }) => accountAmojoId === undefined || r.accountAmojoId === accountAmojoId;
    return {
      contacts: [...this.#contacts.values()].filter(mine).map((c) => this.#contactView(c)),
      leads: [...this.#leads.values()].filter(mine).map(({ accountAmojoId: _, ...lead }) => lead),
      sources: this.sourceStore.all(accountAmojoId).map(sourceView),
    };
  }

  /** Subscribes to changes (the core turns them into `{type:'crm'}` live events). */
  on(event: 'change', listener: (e: CrmChangeEvent) => void): void {
    this.#events.on(event, listener);
  }

  /** Emits a change event for an account. */
  emitChange(accountAmojoId: string, what: CrmChangeEvent['what']): void {
    this.#events.emit('change', { accountAmojoId, what } satisfies CrmChangeEvent);
  }

  /** Contacts, leads, links, installations, sources and tokens, for persisting. */
  exportData(): CrmStateData {
    return {
      installed: [...this.#installed],
      contacts: [...this.#contacts.values()],
      leads: [...this.#leads.values()],
      links: [...this.#links.values()],
      calls: [...this.#calls],
      nextIds: { contact: this.#nextContactId, lead: this.#nextLeadId, link: this.#nextLinkId },
      oauth: this.oauth.exportData(),
      sources: this.sourceStore.exportData(),
    };
  }

  /** Replaces the CRM data with persisted data (the configuration stays as constructed). */
  importData(data: CrmStateData): void {
    this.#installed.clear();
    for (const key of data.installed) this.#installed.add(key);
    this.#contacts.clear();
    for (const contact of data.contacts) this.#contacts.set(contact.id, contact);
    this.#leads.clear();
    for (const lead of data.leads) this.#leads.set(lead.id, lead);
    this.#links.clear();
    for (const link of data.links) this.#links.set(link.chatId, link);
    this.#calls.splice(0, this.#calls.length, ...data.calls);
    this.#nextContactId = data.nextIds.contact;
    this.#nextLeadId = data.nextIds.lead;
    this.#nextLinkId = data.nextIds.link;
    this.oauth.importData(data.oauth);
    this.sourceStore.importData(data.sources);
  }

  #contactView(contact: StoredContact): CrmContact {
    const chatIds = [...this.#links.values()].filter((l) => l.contactId === contact.id).map((l) => l.chatId);
    return {
      id: contact.id,
      name: contact.name,
      ...(contact.phone !== undefined ? { phone: contact.phone } : {}),
      ...(contact.email !== undefined ? { email: contact.email } : {}),
      chatIds,
    };
  }
}

function sourceView(source: StoredSource): CrmSource {
  return {
    id: source.id,
    name: source.name,
    external_id: source.external_id,
    default: source.default,
    pipeline_id: source.pipeline_id,
    origin_code: source.origin_code,
    clientId: source.clientId,
  };
}
