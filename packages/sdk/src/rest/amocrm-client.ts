import { AmojoApiError, AmojoNetworkError } from '../errors/amojo-error.js';
import { sendRequest } from '../http/send-request.js';
import type {
  AccountSubdomain,
  ChatLink,
  ChatLinkInput,
  ContactCreate,
  CreatedContact,
  FindContactsOptions,
  GetAccountOptions,
  ListChatLinksOptions,
  ListEventsOptions,
  ListSourcesOptions,
  ListUsersOptions,
  RestAccount,
  RestContact,
  RestEvent,
  RestEventsPage,
  RestSource,
  RestTalk,
  RestUser,
  RestUsersPage,
  SourceCreate,
  SourcePatch,
  SourceUpdate,
  TokenSet,
} from '../types/rest.js';
import type { AmocrmClientOptions } from './amocrm-client-options.js';
import { attemptSlots } from './attempt-slots.js';
import { bracketQuery } from './bracket-query.js';
import { callRest, type RestCall } from './call-rest.js';
import { createRestContext } from './create-rest-context.js';
import { OAuthTokens } from './oauth-tokens.js';
import { parseJsonBody, type RestContext, scrubError } from './rest-context.js';
import {
  checkBatch,
  checkChatLinks,
  checkEventsQuery,
  checkId,
  checkPaging,
  checkSourcePatch,
  checkSourcesToCreate,
  checkSourcesToUpdate,
  checkText,
  MAX_PAGE_LIMIT,
} from './validate-input.js';

interface Collection<K extends string, T> {
  readonly _total_items?: number;
  readonly _page?: number;
  readonly _page_count?: number;
  readonly _links?: RestUsersPage['_links'];
  readonly _embedded?: { readonly [key in K]?: readonly T[] };
}

/**
 * Client of the amoCRM REST v4 parts a chat integration needs (spec 5), for one account: OAuth with single-use
 * refresh tokens, a per-account limiter (7 rps), account and user amojo ids, sources, contacts and chat links.
 * @example
 * const crm = new AmocrmClient({ baseUrl: 'https://example.amocrm.ru', clientId, clientSecret, redirectUri,
 *   tokenStore, accountKey: 'example' });
 * await crm.exchangeCode(code);
 * const amojoId = await crm.getAmojoId();
 */
export class AmocrmClient {
  readonly #ctx: RestContext;
  readonly #tokens: OAuthTokens;

  constructor(options: AmocrmClientOptions) {
    checkText(options.baseUrl, 'baseUrl');
    checkText(options.clientId, 'clientId');
    checkText(options.clientSecret, 'clientSecret');
    checkText(options.redirectUri, 'redirectUri');
    checkText(options.accountKey, 'accountKey');
    this.#ctx = createRestContext(options, () => this.#tokens?.knownSecrets() ?? []);
    this.#tokens = new OAuthTokens({
      ctx: this.#ctx,
      credentials: {
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        redirectUri: options.redirectUri,
      },
      store: options.tokenStore,
      accountKey: options.accountKey,
      refreshBeforeExpiryMs: options.refreshBeforeExpiryMs ?? 60_000,
    });
  }

  /** Exchanges an authorization code (install redirect or modal) for a token pair and saves it in the store. */
  async exchangeCode(code: string): Promise<TokenSet> {
    checkText(code, 'code');
    return this.#tokens.exchangeCode(code);
  }

  /** Refreshes the pair now (serialised per account; the new pair is saved before it is returned). */
  async refreshTokens(): Promise<TokenSet> {
    return this.#tokens.refresh();
  }

  /** A valid access token, refreshed first when close to expiry; for calls the SDK does not wrap. */
  async accessToken(): Promise<string> {
    return this.#tokens.accessToken();
  }

  /** `GET /api/v4/account?with=amojo_id[,...]`: the account, always with `amojo_id`. */
  async getAccount(options: GetAccountOptions = {}): Promise<RestAccount> {
    const withValues = ['amojo_id', ...(options.with ?? []).filter((w) => w !== 'amojo_id')];
    const account = await this.#json<RestAccount>({
      operation: 'getAccount',
      method: 'GET',
      path: '/api/v4/account',
      query: bracketQuery({ with: withValues.join(',') }),
      idempotent: true,
    });
    return this.#required(account, 'GET /api/v4/account');
  }

  /** The account's amojo id (the `account_id` of Chats API bodies and the second half of `scope_id`). */
  async getAmojoId(): Promise<string> {
    const account = await this.getAccount();
    if (typeof account.amojo_id !== 'string' || account.amojo_id === '') {
      throw new AmojoNetworkError('GET /api/v4/account answered without amojo_id');
    }
    return account.amojo_id;
  }

  /** `GET /api/v4/users?with=amojo_id`: one page of users (admin rights needed); 204 gives an empty page. */
  async listUsers(options: ListUsersOptions = {}): Promise<RestUsersPage> {
    checkPaging(options.page, options.limit);
    const answer = await this.#json<Collection<'users', RestUser>>({
      operation: 'listUsers',
      method: 'GET',
      path: '/api/v4/users',
      query: bracketQuery({ with: 'amojo_id', page: options.page, limit: options.limit }),
      idempotent: true,
    });
    return {
      users: answer?._embedded?.users ?? [],
      page: answer?._page ?? options.page ?? 1,
      ...(answer?._page_count !== undefined ? { pageCount: answer._page_count } : {}),
      ...(answer?._total_items !== undefined ? { totalItems: answer._total_items } : {}),
      ...(answer?._links !== undefined ? { _links: answer._links } : {}),
    };
  }

  /** Every user of the account, page by page (`limit` per request, default 250); stops at the last page or a 204. */
  async *iterateUsers(options: Pick<ListUsersOptions, 'limit'> = {}): AsyncGenerator<RestUser, void, undefined> {
    const limit = options.limit ?? MAX_PAGE_LIMIT;
    for (let page = 1; ; page++) {
      const result = await this.listUsers({ page, limit });
      yield* result.users;
      const last = result.pageCount !== undefined ? page >= result.pageCount : result.users.length < limit;
      if (last || result.users.length === 0) return;
    }
  }

  /** `GET /api/v4/users/{id}?with=amojo_id`: one user with its amojo_id; undefined on 204. */
  async getUser(id: number): Promise<RestUser | undefined> {
    checkId(id, 'id');
    return this.#json<RestUser>({
      operation: 'getUser',
      method: 'GET',
      path: `/api/v4/users/${id}`,
      query: bracketQuery({ with: 'amojo_id' }),
      idempotent: true,
    });
  }

  /** `GET /api/v4/sources[?filter[external_id][]=...]`: this integration's sources; [] on 204. */
  async listSources(options: ListSourcesOptions = {}): Promise<readonly RestSource[]> {
    const externalIds = options.externalIds?.length ? options.externalIds : undefined;
    const answer = await this.#json<Collection<'sources', RestSource>>({
      operation: 'listSources',
      method: 'GET',
      path: '/api/v4/sources',
      query: bracketQuery({ 'filter[external_id]': externalIds }),
      idempotent: true,
    });
    return answer?._embedded?.sources ?? [];
  }

  /** `GET /api/v4/sources/{id}`: one source; undefined on 204 (none or deleted). */
  async getSource(id: number): Promise<RestSource | undefined> {
    checkId(id, 'id');
    return this.#json<RestSource>({
      operation: 'getSource',
      method: 'GET',
      path: `/api/v4/sources/${id}`,
      idempotent: true,
    });
  }

  /** `POST /api/v4/sources`: creates 1..50 sources (validated client-side); never retried. */
  async createSources(sources: readonly SourceCreate[]): Promise<readonly RestSource[]> {
    checkSourcesToCreate(sources);
    const answer = await this.#json<Collection<'sources', RestSource>>({
      operation: 'createSources',
      method: 'POST',
      path: '/api/v4/sources',
      body: sources,
      idempotent: false,
    });
    return answer?._embedded?.sources ?? [];
  }

  /** `PATCH /api/v4/sources`: updates 1..50 sources by id (`external_id` cannot change). */
  async updateSources(sources: readonly SourceUpdate[]): Promise<readonly RestSource[]> {
    checkSourcesToUpdate(sources);
    const answer = await this.#json<Collection<'sources', RestSource>>({
      operation: 'updateSources',
      method: 'PATCH',
      path: '/api/v4/sources',
      body: sources,
      idempotent: true,
    });
    return answer?._embedded?.sources ?? [];
  }

  /** `PATCH /api/v4/sources/{id}`: updates one source. */
  async updateSource(id: number, patch: SourcePatch): Promise<RestSource> {
    checkId(id, 'id');
    checkSourcePatch(patch);
    const answer = await this.#json<RestSource | Collection<'sources', RestSource>>({
      operation: 'updateSource',
      method: 'PATCH',
      path: `/api/v4/sources/${id}`,
      body: patch,
      idempotent: true,
    });
    // The docs show a collection for PATCH; a single-source PATCH may answer with the source itself.
    const source = answer && '_embedded' in answer ? answer._embedded?.sources?.[0] : (answer as RestSource);
    return this.#required(source, `PATCH /api/v4/sources/${id}`);
  }

  /** `DELETE /api/v4/sources` with `[{id}]`: deletes several sources (204). */
  async deleteSources(ids: readonly number[]): Promise<void> {
    checkBatch(ids, 'ids');
    ids.forEach((id, i) => {
      checkId(id, `ids[${i}]`);
    });
    await this.#call({
      operation: 'deleteSources',
      method: 'DELETE',
      path: '/api/v4/sources',
      body: ids.map((id) => ({ id })),
      idempotent: true,
    });
  }

  /** `DELETE /api/v4/sources/{id}`: deletes one source (204). */
  async deleteSource(id: number): Promise<void> {
    checkId(id, 'id');
    await this.#call({ operation: 'deleteSource', method: 'DELETE', path: `/api/v4/sources/${id}`, idempotent: true });
  }

  /** `POST /api/v4/contacts`: creates contacts; never retried (a repeat would create duplicates). */
  async createContacts(contacts: readonly ContactCreate[]): Promise<readonly CreatedContact[]> {
    checkBatch(contacts, 'contacts');
    const answer = await this.#json<Collection<'contacts', CreatedContact>>({
      operation: 'createContacts',
      method: 'POST',
      path: '/api/v4/contacts',
      body: contacts,
      idempotent: false,
    });
    return answer?._embedded?.contacts ?? [];
  }

  /** `GET /api/v4/contacts?query=...`: contacts matching a phone, e-mail or name; [] on 204. */
  async findContacts(options: FindContactsOptions): Promise<readonly RestContact[]> {
    checkText(options?.query, 'query');
    checkPaging(options.page, options.limit);
    const answer = await this.#json<Collection<'contacts', RestContact>>({
      operation: 'findContacts',
      method: 'GET',
      path: '/api/v4/contacts',
      query: bracketQuery({ query: options.query, page: options.page, limit: options.limit }),
      idempotent: true,
    });
    return answer?._embedded?.contacts ?? [];
  }

  /** `GET /api/v4/contacts/{id}`: one contact; undefined on 204. */
  async getContact(id: number): Promise<RestContact | undefined> {
    checkId(id, 'id');
    return this.#json<RestContact>({
      operation: 'getContact',
      method: 'GET',
      path: `/api/v4/contacts/${id}`,
      idempotent: true,
    });
  }

  /** `POST /api/v4/contacts/chats`: links amojo chats to contacts (a chat has at most one contact). */
  async linkChats(links: readonly ChatLinkInput[]): Promise<readonly ChatLink[]> {
    checkChatLinks(links);
    const body = links.map((l) => ({
      chat_id: l.chatId,
      contact_id: l.contactId,
      ...(l.requestId !== undefined ? { request_id: l.requestId } : {}),
    }));
    // Setting a link is idempotent: a repeat sets the same chat -> contact pair again.
    const answer = await this.#json<Collection<'chats', ChatLink>>({
      operation: 'linkChats',
      method: 'POST',
      path: '/api/v4/contacts/chats',
      body,
      idempotent: true,
    });
    return answer?._embedded?.chats ?? [];
  }

  /** `GET /api/v4/contacts/chats?chat_id[]=...&contact_id[]=...`: existing links; [] on 204. */
  async listChatLinks(options: ListChatLinksOptions): Promise<readonly ChatLink[]> {
    const chatIds = options?.chatIds ?? [];
    const contactIds = options?.contactIds ?? [];
    if (chatIds.length === 0 && contactIds.length === 0) {
      checkBatch([], 'chatIds or contactIds');
    }
    chatIds.forEach((id, i) => {
      checkText(id, `chatIds[${i}]`);
    });
    contactIds.forEach((id, i) => {
      checkId(id, `contactIds[${i}]`);
    });
    const answer = await this.#json<Collection<'chats', ChatLink>>({
      operation: 'listChatLinks',
      method: 'GET',
      path: '/api/v4/contacts/chats',
      query: bracketQuery({
        chat_id: chatIds.length ? chatIds : undefined,
        contact_id: contactIds.length ? contactIds : undefined,
      }),
      idempotent: true,
    });
    return answer?._embedded?.chats ?? [];
  }

  /**
   * `GET /api/v4/events?filter[type]=...&filter[created_at][from]=...`: one page of the account's event feed, oldest
   * first within the page as amoCRM sorts it; an empty page on 204.
   * @example
   * const { events } = await crm.listEvents({ types: ['outgoing_chat_message'], createdFrom: sinceSeconds });
   */
  async listEvents(options: ListEventsOptions): Promise<RestEventsPage> {
    checkEventsQuery(options);
    const page = options.page ?? 1;
    const answer = await this.#json<Collection<'events', RestEvent>>({
      operation: 'listEvents',
      method: 'GET',
      path: '/api/v4/events',
      query: bracketQuery({
        'filter[type]': options.types.join(','),
        'filter[created_at][from]': options.createdFrom,
        'filter[created_at][to]': options.createdTo,
        page: options.page,
        limit: options.limit,
      }),
      idempotent: true,
    });
    return {
      events: answer?._embedded?.events ?? [],
      page,
      hasNext: Boolean(answer?._links && 'next' in answer._links && answer._links.next),
    };
  }

  /** `GET /api/v4/talks/{id}`: one talk with its amojo `chat_id`; undefined on 204 or 404 (talk gone). */
  async getTalk(id: number): Promise<RestTalk | undefined> {
    checkId(id, 'id');
    try {
      return await this.#json<RestTalk>({
        operation: 'getTalk',
        method: 'GET',
        path: `/api/v4/talks/${id}`,
        idempotent: true,
      });
    } catch (error) {
      if (error instanceof AmojoApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * `GET /oauth2/account/current/subdomain` with `X-Refresh-Token`: the account's current domain, to find it again
   * after a subdomain change. Holds the account's token lock so no refresh rotates the token mid-call.
   */
  async getSubdomain(): Promise<AccountSubdomain> {
    const path = '/oauth2/account/current/subdomain';
    return this.#tokens.withLock(async (tokens) => {
      const slots = attemptSlots(this.#ctx.limiter);
      try {
        const response = await sendRequest(this.#ctx.http, {
          method: 'GET',
          operation: 'getSubdomain',
          url: `${this.#ctx.baseUrl}${path}`,
          label: path,
          headers: async () => {
            await slots.next();
            return { 'X-Refresh-Token': tokens.refreshToken, Accept: 'application/json' };
          },
          idempotent: true,
        });
        return this.#required(parseJsonBody<AccountSubdomain>(response, `GET ${path}`), `GET ${path}`);
      } catch (error) {
        throw scrubError(error, [...this.#ctx.secrets(), tokens.accessToken, tokens.refreshToken]);
      } finally {
        slots.done();
      }
    });
  }

  #call(call: RestCall) {
    return callRest(this.#ctx, this.#tokens, call);
  }

  async #json<T>(call: RestCall): Promise<T | undefined> {
    const response = await this.#call(call);
    return parseJsonBody<T>(response, `${call.method} ${call.path}`);
  }

  #required<T>(value: T | undefined, label: string): T {
    if (value === undefined || value === null) {
      throw new AmojoNetworkError(`${label} answered without a body where one was expected`);
    }
    return value;
  }
}
