// Results of AmojoClient methods. Small answers get camelCase fields that say whose id is whose (the wire reuses
// `msgid`/`id` for different owners, spec 1.2) plus `response`, the parsed wire body. Bulky read-only data (history
// items, hook bodies) is returned in its typed wire shape.
import { AmojoApiError } from '../errors/amojo-error.js';
import type {
  ConnectResponse,
  CreateChatResponse,
  HistoryItem,
  HistoryResponse,
  NewMessageResponse,
} from '../types/chats.js';
import type { AccountAmojoId, AmojoChatId, AmojoMsgId, AmojoUserId, ClientMsgId, ScopeId } from '../types/ids.js';

/** Result of {@link AmojoClient.connect}. */
export interface ConnectResult {
  /** `{channel_id}_{account_id}`: the id of every later chat call for this account. */
  readonly scopeId: ScopeId;
  readonly accountId: AccountAmojoId;
  readonly title: string;
  readonly hookApiVersion: 'v1' | 'v2';
  /** The wire answer. */
  readonly response: ConnectResponse;
}

/** Result of {@link AmojoClient.createChat}. */
export interface CreateChatResult {
  /** amojo chat id: `conversation.id` in hooks, `chat_id` for contact links, the history path segment. */
  readonly amojoChatId: AmojoChatId;
  /** amojo participant id of the client. */
  readonly amojoUserId: AmojoUserId;
  /** Phone as amojo stored it, from either documented answer shape (flat or under `profile`). */
  readonly phone: string | undefined;
  /** Email as amojo stored it, from either documented answer shape. */
  readonly email: string | undefined;
  /** The wire answer. */
  readonly response: CreateChatResponse;
}

/** Result of {@link AmojoClient.sendMessage}, {@link AmojoClient.editMessage} and {@link AmojoClient.sendComment}. */
export interface SentMessage {
  /** amojo's message id (wire `new_message.msgid`). */
  readonly amojoMsgId: AmojoMsgId;
  /** The integration's msgid, echoed (wire `new_message.ref_id`); may be absent on an edit by amojo id. */
  readonly msgid: ClientMsgId | undefined;
  /** The wire answer. */
  readonly response: NewMessageResponse;
}

function invalidAnswer(request: string, status: number, bodyText: string, what: string): AmojoApiError {
  let body: unknown = bodyText;
  try {
    body = JSON.parse(bodyText);
  } catch {
    // keep the text
  }
  return new AmojoApiError(`${request} answered HTTP ${status} but ${what}`, {
    status,
    errorType: 'INVALID_RESPONSE',
    body,
    request,
  });
}

function parseObject(request: string, status: number, bodyText: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    throw invalidAnswer(request, status, bodyText, 'the body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidAnswer(request, status, bodyText, 'the body is not a JSON object');
  }
  return body as Record<string, unknown>;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Reads a connect answer; throws {@link AmojoApiError} when `scope_id` is missing. */
export function readConnectResponse(request: string, status: number, bodyText: string): ConnectResult {
  const body = parseObject(request, status, bodyText);
  if (!isString(body.scope_id)) throw invalidAnswer(request, status, bodyText, 'it has no scope_id');
  const response = body as unknown as ConnectResponse;
  return {
    scopeId: response.scope_id,
    accountId: response.account_id,
    title: response.title,
    hookApiVersion: response.hook_api_version,
    response,
  };
}

/** Reads a create-chat answer in either documented shape (spec 3.3, 8.5). */
export function readCreateChatResponse(request: string, status: number, bodyText: string): CreateChatResult {
  const body = parseObject(request, status, bodyText);
  const user = body.user as Record<string, unknown> | undefined;
  if (!isString(body.id)) throw invalidAnswer(request, status, bodyText, 'it has no chat id');
  if (typeof user !== 'object' || user === null || !isString(user.id)) {
    throw invalidAnswer(request, status, bodyText, 'it has no user.id');
  }
  const response = body as unknown as CreateChatResponse;
  return {
    amojoChatId: response.id,
    amojoUserId: response.user.id,
    phone: response.user.phone ?? response.user.profile?.phone,
    email: response.user.email ?? response.user.profile?.email,
    response,
  };
}

/** Reads a `new_message` answer; only `msgid` is required (spec 3.4.8). */
export function readNewMessageResponse(request: string, status: number, bodyText: string): SentMessage {
  const body = parseObject(request, status, bodyText);
  const m = body.new_message as Record<string, unknown> | undefined;
  if (typeof m !== 'object' || m === null || !isString(m.msgid)) {
    throw invalidAnswer(request, status, bodyText, 'it has no new_message.msgid');
  }
  const response = body as unknown as NewMessageResponse;
  return { amojoMsgId: response.new_message.msgid, msgid: response.new_message.ref_id, response };
}

/** Reads a history answer: 204 or an empty body is an empty page (spec 3.6). */
export function readHistoryResponse(request: string, status: number, bodyText: string): readonly HistoryItem[] {
  if (status === 204 || bodyText.trim() === '') return [];
  const body = parseObject(request, status, bodyText);
  if (!Array.isArray(body.messages)) throw invalidAnswer(request, status, bodyText, 'it has no messages array');
  return (body as unknown as HistoryResponse).messages;
}
