import { EventEmitter } from 'node:events';
import type {
  CrmAccountConfig,
  CrmChangeEvent,
  CrmConfig,
  CrmContact,
  CrmIntegrationConfig,
  CrmLead,
  CrmSnapshot,
  CrmSource,
} from './types.js';

/** Options of {@link CrmState}. */
export interface CrmStateOptions {
  /** Clock, injectable so tests can expire codes and tokens. */
  readonly now?: () => Date;
}

interface ContactRecord {
  id: number;
  accountAmojoId: string;
  name: string;
  phone?: string;
  email?: string;
  createdAt: number;
}

interface LeadRecord extends CrmLead {
  readonly accountAmojoId: string;
}

interface SourceRecord {
  id: number;
  accountAmojoId: string;
  clientId: string;
  name: string;
  external_id: string;
  default: boolean;
  pipeline_id: number;
  origin_code: string | null;
}

/** Pipeline id used for leads and sources when no other is given. */
export const DEFAULT_PIPELINE_ID = 1000;

/** In-memory CRM data of every emulated account: contacts, leads, sources, chat links, OAuth state. */
export class CrmState {
  readonly #accounts = new Map<string, CrmAccountConfig>();
  readonly #integrations = new Map<string, CrmIntegrationConfig>();
  readonly #contacts = new Map<number, ContactRecord>();
  readonly #leads = new Map<number, LeadRecord>();
  readonly #sources = new Map<number, SourceRecord>();
  /** chat id -> contact id; a chat links to at most one contact. */
  readonly #links = new Map<string, number>();
  readonly #events = new EventEmitter();
  readonly #now: () => Date;
  #nextContactId = 5_000_001;
  #nextLeadId = 9_000_001;
  /** The configuration this state was built from. */
  readonly config: CrmConfig;

  constructor(config: CrmConfig, options: CrmStateOptions = {}) {
    this.config = config;
    this.#now = options.now ?? (() => new Date());
    for (const account of config.accounts) this.#accounts.set(account.amojoId, account);
    for (const integration of config.integrations) this.#integrations.set(integration.clientId, integration);
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
    this.linkChat(input.accountAmojoId, input.chatId, contact.id);
    const accountSources = [...this.#sources.values()].filter((s) => s.accountAmojoId === input.accountAmojoId);
    const source =
      (input.sourceExternalId !== undefined
        ? accountSources.find((s) => s.external_id === input.sourceExternalId)
        : undefined) ?? accountSources.find((s) => s.default);
    const lead: LeadRecord = {
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
    this.#emit(input.accountAmojoId, 'lead');
    return { contactId: contact.id, leadId: lead.id };
  }

  /** Adds a contact to an account. */
  addContact(accountAmojoId: string, input: { name: string; phone?: string; email?: string }): CrmContact {
    const record: ContactRecord = {
      id: this.#nextContactId++,
      accountAmojoId,
      name: input.name,
      createdAt: Math.floor(this.nowMs() / 1000),
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
    };
    this.#contacts.set(record.id, record);
    this.#emit(accountAmojoId, 'contact');
    return this.#contactView(record);
  }

  /** A contact of the account, if it exists there. */
  contact(accountAmojoId: string, id: number): CrmContact | undefined {
    const record = this.#contacts.get(id);
    return record && record.accountAmojoId === accountAmojoId ? this.#contactView(record) : undefined;
  }

  /** Contacts of an account, oldest first. */
  contacts(accountAmojoId: string): readonly CrmContact[] {
    return [...this.#contacts.values()]
      .filter((c) => c.accountAmojoId === accountAmojoId)
      .map((c) => this.#contactView(c));
  }

  /** Links a chat to a contact, moving it away from any previous contact. */
  linkChat(accountAmojoId: string, chatId: string, contactId: number): void {
    this.#links.set(chatId, contactId);
    this.#emit(accountAmojoId, 'link');
  }

  /** The contact a chat is linked to. */
  contactForChat(chatId: string): CrmContact | undefined {
    const id = this.#links.get(chatId);
    const record = id === undefined ? undefined : this.#contacts.get(id);
    return record ? this.#contactView(record) : undefined;
  }

  /** Every chat<->contact link of an account. */
  chatLinks(accountAmojoId: string): readonly { chatId: string; contactId: number }[] {
    const out: { chatId: string; contactId: number }[] = [];
    for (const [chatId, contactId] of this.#links) {
      if (this.#contacts.get(contactId)?.accountAmojoId === accountAmojoId) out.push({ chatId, contactId });
    }
    return out;
  }

  /** All integrations' sources of that account. */
  sources(accountAmojoId: string): readonly CrmSource[] {
    return [...this.#sources.values()].filter((s) => s.accountAmojoId === accountAmojoId).map(sourceView);
  }

  /** CRM data of one account, or of every account when none is given. */
  snapshot(accountAmojoId?: string): CrmSnapshot {
    const mine = (r: { accountAmojoId: string }) => accountAmojoId === undefined || r.accountAmojoId === accountAmojoId;
    return {
      contacts: [...this.#contacts.values()].filter(mine).map((c) => this.#contactView(c)),
      leads: [...this.#leads.values()].filter(mine).map(({ accountAmojoId: _, ...lead }) => lead),
      sources: [...this.#sources.values()].filter(mine).map(sourceView),
    };
  }

  /** Subscribes to changes (used by the core to push `{type:'crm'}` live events). */
  on(event: 'change', listener: (e: CrmChangeEvent) => void): void {
    this.#events.on(event, listener);
  }

  #emit(accountAmojoId: string, what: CrmChangeEvent['what']): void {
    this.#events.emit('change', { accountAmojoId, what } satisfies CrmChangeEvent);
  }

  #contactView(record: ContactRecord): CrmContact {
    const chatIds = [...this.#links].filter(([, id]) => id === record.id).map(([chatId]) => chatId);
    return {
      id: record.id,
      name: record.name,
      ...(record.phone !== undefined ? { phone: record.phone } : {}),
      ...(record.email !== undefined ? { email: record.email } : {}),
      chatIds,
    };
  }
}

function sourceView(record: SourceRecord): CrmSource {
  const { accountAmojoId: _, ...source } = record;
  return { ...source };
}
