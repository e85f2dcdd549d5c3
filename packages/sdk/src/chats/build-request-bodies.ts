import { AmojoInputError } from '../errors/amojo-error.js';
import type {
  ConnectRequest,
  CreateChatRequest,
  DisconnectRequest,
  ReactRequest,
  TypingRequest,
} from '../types/chats.js';
import { buildParticipant } from './build-message-body.js';
import type {
  ConnectOptions,
  CreateChatOptions,
  DisconnectOptions,
  ReactOptions,
  TypingOptions,
  UnreactOptions,
} from './chat-options.js';
import {
  opt,
  optionalBool,
  optionalInt,
  optionalSourceExternalId,
  optionalString,
  requireObject,
  requireOneOf,
  requireString,
} from './validate-input.js';

/** Validates {@link ConnectOptions} and returns the connect wire body (spec 3.1). */
export function buildConnectBody(input: ConnectOptions): ConnectRequest {
  const o = requireObject(input, 'options');
  // Key order account_id, title, hook_api_version reproduces the seed's signed connect body byte for byte.
  return {
    account_id: requireString(o.accountId, 'accountId'),
    ...opt('title', optionalString(o.title, 'title')),
    hook_api_version:
      o.hookApiVersion === undefined ? 'v2' : requireOneOf(o.hookApiVersion, ['v1', 'v2'] as const, 'hookApiVersion'),
    ...opt('is_time_window_disabled', optionalBool(o.isTimeWindowDisabled, 'isTimeWindowDisabled')),
  };
}

/** Validates {@link DisconnectOptions} and returns the disconnect wire body (spec 3.2). */
export function buildDisconnectBody(input: DisconnectOptions): DisconnectRequest {
  const o = requireObject(input, 'options');
  return { account_id: requireString(o.accountId, 'accountId') };
}

/** Validates create-chat input and returns its wire body (spec 3.3). */
export function buildCreateChatBody(input: CreateChatOptions): CreateChatRequest {
  const o = requireObject(input, 'options');
  const sourceExternalId = optionalSourceExternalId(o.sourceExternalId, 'sourceExternalId');
  return {
    conversation_id: requireString(o.conversationId, 'conversationId'),
    ...opt('source', sourceExternalId === undefined ? undefined : { external_id: sourceExternalId }),
    user: buildParticipant(o.user, 'user'),
  };
}

/** Validates {@link TypingOptions} and returns the typing wire body (spec 3.7). */
export function buildTypingBody(input: TypingOptions): TypingRequest {
  const o = requireObject(input, 'options');
  return {
    conversation_id: requireString(o.conversationId, 'conversationId'),
    sender: { id: requireString(o.senderId, 'senderId') },
    ...opt('duration_ms', optionalInt(o.durationMs, 'durationMs', 1)),
  };
}

/** Validates react/unreact input and returns the wire body (spec 3.8). */
export function buildReactBody(input: ReactOptions | UnreactOptions, type: 'react' | 'unreact'): ReactRequest {
  const o = requireObject(input, 'options');
  const conversationId = optionalString(o.conversationId, 'conversationId');
  const conversationRefId = optionalString(o.conversationRefId, 'conversationRefId');
  if (conversationId === undefined && conversationRefId === undefined) {
    throw new AmojoInputError('give conversationId or conversationRefId to name the chat', 'conversationId');
  }
  const id = optionalString(o.amojoMsgId, 'amojoMsgId');
  const msgid = optionalString(o.msgid, 'msgid');
  if (id === undefined && msgid === undefined) {
    throw new AmojoInputError('give amojoMsgId or msgid to name the message', 'amojoMsgId');
  }
  const u = requireObject(o.user, 'user');
  const userId = optionalString(u.id, 'user.id');
  const userRefId = optionalString(u.refId, 'user.refId');
  if (userId === undefined && userRefId === undefined) {
    throw new AmojoInputError('user.id (a client) or user.refId (a manager amojo_id) is required', 'user.id');
  }
  return {
    ...opt('conversation_id', conversationId),
    ...opt('conversation_ref_id', conversationRefId),
    ...opt('id', id),
    ...opt('msgid', msgid),
    user: { ...opt('id', userId), ...opt('ref_id', userRefId) },
    type,
    ...opt('emoji', type === 'react' ? requireString(o.emoji, 'emoji') : undefined),
  };
}
