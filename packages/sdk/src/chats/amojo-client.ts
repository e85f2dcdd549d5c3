import { AmojoInputError } from '../errors/amojo-error.js';
import { parseHook } from '../hooks/parse-hook.js';
import type { ParsedHook } from '../hooks/parsed-hook.js';
import { resolveRetryPolicy } from '../http/backoff.js';
import { maxResponseBytesOf } from '../http/read-bounded-body.js';
import { hooksOf } from '../http/request-hooks.js';
import { type HttpContext, type HttpRequest, sendRequest } from '../http/send-request.js';
import { transportOf } from '../http/transport-of.js';
import type { RawBody } from '../signing/digest.js';
import { signRequest } from '../signing/sign-request.js';
import type { HistoryItem } from '../types/chats.js';
import { type AccountAmojoId, type AmojoChatId, type AmojoMsgId, type ScopeId, scopeIdOf } from '../types/ids.js';
import { AMOJO_BASE_URL_RU } from './base-urls.js';
import { buildDeliveryStatusBody } from './build-delivery-status.js';
import { buildEditMessageBody, buildSendCommentBody, buildSendMessageBody } from './build-message-body.js';
import {
  buildConnectBody,
  buildCreateChatBody,
  buildDisconnectBody,
  buildReactBody,
  buildTypingBody,
} from './build-request-bodies.js';
import type {
  AmojoClientOptions,
  ConnectOptions,
  CreateChatOptions,
  DeliveryStatusOptions,
  DisconnectOptions,
  EditMessageOptions,
  HistoryOptions,
  IterateHistoryOptions,
  ReactOptions,
  SendCommentOptions,
  SendMessageOptions,
  TypingOptions,
  UnreactOptions,
} from './chat-options.js';
import {
  type ConnectResult,
  type CreateChatResult,
  readConnectResponse,
  readCreateChatResponse,
  readHistoryResponse,
  readNewMessageResponse,
  type SentMessage,
} from './chat-results.js';
import { optionalInt, requirePathSegment, requireString, requireUrl } from './validate-input.js';

const USER_AGENT = 'amojo-bridge-sdk/0.1';
const API_ROOT = '/v2/origin/custom';

interface CallResult {
  readonly request: string;
  readonly status: number;
  readonly bodyText: string;
}

/**
 * Client of amoCRM's Chats API (amojo) for one channel: every method of spec section 3, signed per spec 2 over the
 * exact bytes sent. Inputs are validated before any request ({@link AmojoInputError} names the field). Calls that are
 * safe to repeat are retried on network errors, timeouts, 429 and 5xx (see the SDK README for the table).
 * @example
 * const amojo = new AmojoClient({ channelId, channelSecret });
 * const { scopeId } = await amojo.connect({ accountId, title: 'Support' });
 * await amojo.sendMessage(scopeId, { msgid, conversationId, sender: { id: 'client-1', name: 'Ann' },
 *   message: { type: 'text', text: 'Hello' } });
 */
export class AmojoClient {
  /** The channel this client signs for. */
  readonly channelId: string;
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  // A private field, so the secret never shows up in console.log, util.inspect or JSON.stringify of the client.
  readonly #secret: string;
  readonly #http: HttpContext;

  constructor(options: AmojoClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new AmojoInputError('AmojoClient needs an options object with channelId and channelSecret', 'options');
    }
    this.channelId = requirePathSegment(options.channelId, 'channelId');
    this.#secret = requireString(options.channelSecret, 'channelSecret');
    this.baseUrl = requireUrl(options.baseUrl ?? AMOJO_BASE_URL_RU, 'baseUrl').replace(/\/+$/, '');
    this.#http = {
      transport: transportOf(options),
      timeoutMs: optionalInt(options.timeoutMs, 'timeoutMs', 1) ?? 15_000,
      retry: resolveRetryPolicy(options.retry),
      log: options.log ?? {},
      now: options.now ?? (() => new Date()),
      hooks: hooksOf(options),
      ...maxResponseBytesOf(options),
    };
  }

  /** The scope id of an account on this channel (`{channel_id}_{account_id}`, spec 1.2). */
  scopeIdFor(accountId: AccountAmojoId): ScopeId {
    return scopeIdOf(this.channelId, requireString(accountId, 'accountId'));
  }

  /** Connects the channel to an account and returns its scope id (spec 3.1). Idempotent, so retried. */
  async connect(options: ConnectOptions): Promise<ConnectResult> {
    const body = buildConnectBody(options);
    const r = await this.#call('connect', 'POST', `${API_ROOT}/${this.channelId}/connect`, body, true);
    return readConnectResponse(r.request, r.status, r.bodyText);
  }

  /** Disconnects the channel from an account (spec 3.2): a DELETE with a signed JSON body. Retried. */
  async disconnect(options: DisconnectOptions): Promise<void> {
    const body = buildDisconnectBody(options);
    await this.#call('disconnect', 'DELETE', `${API_ROOT}/${this.channelId}/disconnect`, body, true);
  }

  /**
   * Creates a chat without a message, contact or lead, or returns the existing one for `conversationId` (spec 3.3).
   * Idempotent per `conversationId`, so retried.
   */
  async createChat(scopeId: ScopeId, options: CreateChatOptions): Promise<CreateChatResult> {
    const scope = this.#scope(scopeId);
    const body = buildCreateChatBody(options);
    const r = await this.#call('createChat', 'POST', `${API_ROOT}/${scope}/chats`, body, true);
    return readCreateChatResponse(r.request, r.status, r.bodyText);
  }

  /**
   * Sends or imports a message (spec 3.4, `new_message`): incoming from the client, outgoing as a manager or as the
   * channel bot, with quotes, forwards, a source or "write first" binding. Retried: the caller's stable `msgid` lets
   * amojo refuse a repeat (see {@link isDuplicateMsgidError}) instead of posting it twice.
   */
  async sendMessage(scopeId: ScopeId, options: SendMessageOptions): Promise<SentMessage> {
    const scope = this.#scope(scopeId);
    const body = buildSendMessageBody(options, this.#http.now);
    const r = await this.#call('sendMessage', 'POST', `${API_ROOT}/${scope}`, body, true);
    return readNewMessageResponse(r.request, r.status, r.bodyText);
  }

  /** Edits a message (spec 3.4, `edit_message`). An edit sets content, so repeating it is harmless: retried. */
  async editMessage(scopeId: ScopeId, options: EditMessageOptions): Promise<SentMessage> {
    const scope = this.#scope(scopeId);
    const body = buildEditMessageBody(options, this.#http.now);
    const r = await this.#call('editMessage', 'POST', `${API_ROOT}/${scope}`, body, true);
    return readNewMessageResponse(r.request, r.status, r.bodyText);
  }

  /** Sends a comment under a post (spec 3.4.6). Retried, made safe by the stable `msgid` as for sendMessage. */
  async sendComment(scopeId: ScopeId, options: SendCommentOptions): Promise<SentMessage> {
    const scope = this.#scope(scopeId);
    const body = buildSendCommentBody(options, this.#http.now);
    const r = await this.#call('sendComment', 'POST', `${API_ROOT}/${scope}`, body, true);
    return readNewMessageResponse(r.request, r.status, r.bodyText);
  }

  /**
   * Reports delivery of a message sent from amoCRM (spec 3.5): 1 delivered, 2 read, -1 failed with `errorCode`
   * 901-905 (905 needs `error` text). `amojoMsgId` is the hook's `message.message.id`. Sets a state: retried.
   */
  async deliveryStatus(scopeId: ScopeId, amojoMsgId: AmojoMsgId, options: DeliveryStatusOptions): Promise<void> {
    const scope = this.#scope(scopeId);
    const msgid = requirePathSegment(amojoMsgId, 'amojoMsgId');
    const body = buildDeliveryStatusBody(msgid, options);
    await this.#call('deliveryStatus', 'POST', `${API_ROOT}/${scope}/${msgid}/delivery_status`, body, true);
  }

  /** Reads one page of a chat's history (spec 3.6); 204 gives an empty list. A read: retried. */
  async getHistory(
    scopeId: ScopeId,
    amojoChatId: AmojoChatId,
    options: HistoryOptions = {},
  ): Promise<readonly HistoryItem[]> {
    const scope = this.#scope(scopeId);
    const chat = requirePathSegment(amojoChatId, 'amojoChatId');
    const offset = optionalInt(options.offset, 'offset') ?? 0;
    const limit = optionalInt(options.limit, 'limit', 1, 50) ?? 50;
    const query = `offset=${offset}&limit=${limit}`;
    const r = await this.#call(
      'getHistory',
      'GET',
      `${API_ROOT}/${scope}/chats/${chat}/history`,
      undefined,
      true,
      query,
    );
    return readHistoryResponse(r.request, r.status, r.bodyText);
  }

  /**
   * Walks a chat's whole history page by page (spec 3.6), yielding each message; stops at an empty (204) page or a
   * page shorter than `pageSize`, the only end markers amojo offers (spec 8.9).
   * @example
   * for await (const item of amojo.iterateHistory(scopeId, amojoChatId)) console.log(item.message.id);
   */
  async *iterateHistory(
    scopeId: ScopeId,
    amojoChatId: AmojoChatId,
    options: IterateHistoryOptions = {},
  ): AsyncGenerator<HistoryItem, void, undefined> {
    this.#scope(scopeId);
    requirePathSegment(amojoChatId, 'amojoChatId');
    const limit = optionalInt(options.pageSize, 'pageSize', 1, 50) ?? 50;
    let offset = optionalInt(options.offset, 'offset') ?? 0;
    for (;;) {
      const page = await this.getHistory(scopeId, amojoChatId, { offset, limit });
      yield* page;
      if (page.length < limit) return;
      offset += page.length;
    }
  }

  /**
   * Shows "client is typing" in amoCRM (spec 3.7). Never retried: a late typing signal is wrong, not just late.
   */
  async typing(scopeId: ScopeId, options: TypingOptions): Promise<void> {
    const scope = this.#scope(scopeId);
    const body = buildTypingBody(options);
    await this.#call('typing', 'POST', `${API_ROOT}/${scope}/typing`, body, false);
  }

  /** Sets a reaction on a message (spec 3.8). Setting the same reaction twice is one reaction: retried. */
  async react(scopeId: ScopeId, options: ReactOptions): Promise<void> {
    const scope = this.#scope(scopeId);
    const body = buildReactBody(options, 'react');
    await this.#call('react', 'POST', `${API_ROOT}/${scope}/react`, body, true);
  }

  /** Removes a reaction from a message (spec 3.8). Retried, for the same reason as {@link AmojoClient.react}. */
  async unreact(scopeId: ScopeId, options: UnreactOptions): Promise<void> {
    const scope = this.#scope(scopeId);
    const body = buildReactBody(options, 'unreact');
    await this.#call('unreact', 'POST', `${API_ROOT}/${scope}/react`, body, true);
  }

  /** Verifies and parses a hook with this channel's secret; see {@link parseHook}. */
  parseHook(rawBody: RawBody, signature: string | null | undefined): ParsedHook {
    return parseHook(rawBody, signature, this.#secret);
  }

  #scope(scopeId: unknown): string {
    const scope = requirePathSegment(scopeId, 'scopeId');
    // A scope of another channel would be signed with the wrong secret and refused as ORIGIN_INVALID_SIGNATURE.
    if (!scope.startsWith(`${this.channelId}_`) || scope.length === this.channelId.length + 1) {
      throw new AmojoInputError(
        `scopeId must be "${this.channelId}_{account amojo_id}" (the scope_id connect returned for this channel)`,
        'scopeId',
      );
    }
    return scope;
  }

  async #call(
    operation: string,
    method: HttpRequest['method'],
    path: string,
    bodyObject: object | undefined,
    idempotent: boolean,
    query?: string,
  ): Promise<CallResult> {
    // Serialised once: these exact bytes are hashed, signed and sent on every attempt (spec 2.3).
    const body = bodyObject === undefined ? '' : JSON.stringify(bodyObject);
    const url = `${this.baseUrl}${path}${query ? `?${query}` : ''}`;
    // Sign the path the server will see (a baseUrl may carry a prefix); the query string is never signed (spec 2.2).
    const signedPath = new URL(url).pathname;
    const secret = this.#secret;
    const now = this.#http.now;
    const request: HttpRequest = {
      method,
      operation,
      url,
      label: path,
      idempotent,
      headers: () => ({
        ...signRequest({ method, path: signedPath, body, secret, date: now() }),
        'User-Agent': USER_AGENT,
      }),
      ...(method === 'GET' ? {} : { body }),
    };
    const response = await sendRequest(this.#http, request);
    return { request: `${method} ${path}`, status: response.status, bodyText: response.bodyText };
  }
}
