import { randomUUID } from 'node:crypto';
import type { HookMarkup, HookTemplate, MessageType } from '@amojo-bridge/sdk';
import { embedStored } from '../chats-api/read-embedded.js';
import { type ChannelConfig, DEFAULT_REACTIONS } from '../config.js';
import { ControlRequestError } from '../errors.js';
import { messageHookBody, messageHookV1Body, reactionHookBody, typingHookBody } from '../hooks/build-hook-bodies.js';
import type { HookLogEntry } from '../hooks/hook-log.js';
import type { HookSender } from '../hooks/send-hook.js';
import type { ChatRecord, MessageRecord, ParticipantRecord, ScopeRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { previewText, type SandboxChatView, type SandboxMessageView } from '../state/views.js';

/** What manager actions need. */
export interface ManagerContext {
  readonly state: SandboxState;
  readonly hooks: HookSender;
}

/** One file of a manager's message. */
export interface ManagerAttachment {
  readonly media: string;
  readonly fileName: string;
  readonly fileSize: number;
  readonly type: Exclude<ManagerMessageType, 'text'>;
}

/** Types a manager can send from the inbox. */
export type ManagerMessageType = Extract<
  MessageType,
  'text' | 'picture' | 'file' | 'video' | 'voice' | 'audio' | 'sticker'
>;

/** A message the manager sends (body of `POST /_sandbox/api/chats/:chatId/messages`). */
export interface ManagerMessageInput {
  readonly text?: string;
  readonly type?: ManagerMessageType;
  readonly media?: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  readonly replyToId?: string;
  /** amojo id of a message of any chat of the scope the manager forwards with this one (hook `forwards`). */
  readonly forwardId?: string;
  /** Manager amojo id (or the channel bot id); default the account's first user with an amojo id. */
  readonly userId?: string;
  readonly attachments?: readonly ManagerAttachment[];
  readonly markup?: HookMarkup;
  readonly template?: HookTemplate;
}

/** What a manager action answers: the messages it created and the hooks it sent. */
export interface ManagerSendResult {
  readonly messages: readonly SandboxMessageView[];
  readonly hooks: readonly HookLogEntry[];
}

const MEDIA_TYPES = new Set(['picture', 'file', 'video', 'voice', 'audio', 'sticker']);

function chatOf(state: SandboxState, chatId: string): ChatRecord {
  const chat = state.chats.get(chatId);
  if (!chat) throw new ControlRequestError(404, `no chat ${chatId}`);
  return chat;
}

/** A connected scope and its channel; 404 / 409 control errors otherwise. */
export function connectedScope(state: SandboxState, scopeId: string): { scope: ScopeRecord; channel: ChannelConfig } {
  const scope = state.scopes.get(scopeId);
  if (!scope) throw new ControlRequestError(404, `no scope ${scopeId}`);
  if (!scope.connected) {
    throw new ControlRequestError(409, `scope ${scopeId} is disconnected: the integration would get no hooks`);
  }
  return { scope, channel: state.channels.get(scope.channelId)! };
}

/** The manager (or channel bot) acting: `userId` or the account's first user with an amojo id. */
export function actingUser(state: SandboxState, scope: ScopeRecord, userId: string | undefined): ParticipantRecord {
  const channel = state.channels.get(scope.channelId);
  if (userId !== undefined && channel?.bot?.id === userId) return state.participant(userId);
  const users = state.crm.account(scope.accountId)?.users ?? [];
  const user = userId === undefined ? users.find((u) => u.amojoId !== null) : users.find((u) => u.amojoId === userId);
  if (!user?.amojoId) {
    throw new ControlRequestError(
      400,
      userId === undefined
        ? 'the account has no user with an amojo id'
        : `userId ${userId} is not a user of the account`,
    );
  }
  return state.participant(user.amojoId);
}

/** Reads an optional string field of a control body. */
export function text(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ControlRequestError(400, `${name} must be a string`);
  return value;
}

function readAttachments(input: ManagerMessageInput): ManagerAttachment[] {
  if (input.attachments !== undefined) {
    if (!Array.isArray(input.attachments) || input.attachments.length === 0) {
      throw new ControlRequestError(400, 'attachments must be a non-empty array');
    }
    return input.attachments.map((a, i) => {
      if (typeof a?.media !== 'string' || a.media === '')
        throw new ControlRequestError(400, `attachments[${i}].media is required`);
      const type = a.type ?? 'file';
      if (!MEDIA_TYPES.has(type)) throw new ControlRequestError(400, `attachments[${i}].type must be a media type`);
      return {
        media: a.media,
        fileName: text(a.fileName, `attachments[${i}].fileName`) ?? '',
        fileSize: Number(a.fileSize ?? 0),
        type,
      };
    });
  }
  if (input.media !== undefined) {
    const type = input.type ?? 'file';
    if (!MEDIA_TYPES.has(type)) throw new ControlRequestError(400, 'type must be a media type when media is given');
    const mediaType = type as ManagerAttachment['type'];
    return [
      { media: input.media, fileName: input.fileName ?? '', fileSize: Number(input.fileSize ?? 0), type: mediaType },
    ];
  }
  if (input.type !== undefined && input.type !== 'text') {
    throw new ControlRequestError(400, `media (a URL, e.g. from /uploads) is required for type ${input.type}`);
  }
  return [];
}

function addMessage(state: SandboxState, chat: ChatRecord, author: ParticipantRecord, fields: Partial<MessageRecord>) {
  const message: MessageRecord = {
    id: randomUUID(),
    clientMsgId: null,
    chatId: chat.id,
    scopeId: chat.scopeId,
    direction: 'out',
    senderId: author.id,
    receiverId: chat.clientParticipantId,
    origin: 'sandbox',
    type: 'text',
    text: '',
    media: '',
    fileName: '',
    fileSize: 0,
    thumbnail: '',
    replyTo: null,
    forwards: null,
    createdAt: state.nowMs(),
    silent: false,
    edited: false,
    status: 'sent',
    reactions: [],
    ...fields,
  };
  state.addMessage(message);
  chat.messageCount += 1;
  chat.lastMessageAt = Math.max(chat.lastMessageAt, message.createdAt);
  chat.lastMessageText = previewText(message);
  state.emitMessage(message);
  return message;
}

/** Sends the message hook of a stored message, v1 or v2 as the scope was connected. */
function sendMessageHook(
  ctx: ManagerContext,
  scope: ScopeRecord,
  channel: ChannelConfig,
  chat: ChatRecord,
  m: MessageRecord,
) {
  const body =
    scope.hookApiVersion === 'v1' ? messageHookV1Body(ctx.state, chat, m) : messageHookBody(ctx.state, scope, chat, m);
  return ctx.hooks.send({ scope, channel, kind: 'message', body });
}

/** The manager writes in a chat: one message (or one per attachment, sharing a media_group_id), one hook each. */
export async function sendManagerMessage(
  ctx: ManagerContext,
  chatId: string,
  input: ManagerMessageInput,
): Promise<ManagerSendResult> {
  const { state } = ctx;
  const chat = chatOf(state, chatId);
  const { scope, channel } = connectedScope(state, chat.scopeId);
  const author = actingUser(state, scope, input.userId);
  const caption = text(input.text, 'text') ?? '';
  const attachments = readAttachments(input);
  if (attachments.length === 0 && caption === '')
    throw new ControlRequestError(400, 'text is required (or media / attachments)');
  let replyTo: MessageRecord | undefined;
  if (input.replyToId !== undefined) {
    replyTo = state.messages.get(input.replyToId);
    if (!replyTo || replyTo.chatId !== chat.id)
      throw new ControlRequestError(400, `replyToId ${input.replyToId} is not a message of this chat`);
  }
  // Answering a comment as a comment (spec 4.3): text only, the hook carries the post id.
  const post = replyTo?.post;
  if (post && attachments.length > 0) throw new ControlRequestError(400, 'a comment reply is text only');
  let forwarded: MessageRecord | undefined;
  if (input.forwardId !== undefined) {
    forwarded = state.messages.get(input.forwardId);
    if (!forwarded || forwarded.scopeId !== chat.scopeId)
      throw new ControlRequestError(400, `forwardId ${input.forwardId} is not a message of this channel's chats`);
  }
  const groupId = attachments.length > 1 ? randomUUID() : undefined;
  const shared: Partial<MessageRecord> = {
    ...(replyTo ? { replyTo: embedStored(state, replyTo) } : {}),
    ...(forwarded
      ? { forwards: { messages: [embedStored(state, forwarded)], conversationRefId: forwarded.chatId } }
      : {}),
    ...(post ? { post } : {}),
  };
  const created: MessageRecord[] = [];
  if (attachments.length === 0) {
    created.push(
      addMessage(state, chat, author, {
        ...shared,
        text: caption,
        ...(input.markup ? { markup: input.markup } : {}),
        ...(input.template ? { template: input.template } : {}),
      }),
    );
  } else {
    attachments.forEach((a, i) => {
      created.push(
        addMessage(state, chat, author, {
          ...shared,
          type: a.type,
          text: i === 0 ? caption : '',
          media: a.media,
          fileName: a.fileName,
          fileSize: a.fileSize,
          thumbnail: a.type === 'picture' || a.type === 'video' ? a.media : '',
          ...(groupId ? { mediaGroupId: groupId } : {}),
          ...(i === 0 && input.markup ? { markup: input.markup } : {}),
          ...(i === 0 && input.template ? { template: input.template } : {}),
        }),
      );
    });
  }
  state.emitChat(chat);
  const hooks: HookLogEntry[] = [];
  // Sequential, so the integration receives an album in order.
  for (const m of created) hooks.push(await sendMessageHook(ctx, scope, channel, chat, m));
  return { messages: created.map((m) => state.messageView(m)), hooks };
}

/** The manager types: a typing hook unless one went out less than 5 s ago for this chat and user (spec 4.4). */
export async function managerTyping(
  ctx: ManagerContext,
  chatId: string,
  userId?: string,
): Promise<{ sent: boolean; hook?: HookLogEntry }> {
  const { state } = ctx;
  const chat = chatOf(state, chatId);
  const { scope, channel } = connectedScope(state, chat.scopeId);
  const user = actingUser(state, scope, userId);
  if (channel.typingHooks === false) return { sent: false };
  const key = `${chat.id}\n${user.id}`;
  const now = state.nowMs();
  const last = state.typingHookSentAt.get(key);
  if (last !== undefined && now - last < 5000) return { sent: false };
  state.typingHookSentAt.set(key, now);
  const hook = await ctx.hooks.send({
    scope,
    channel,
    kind: 'typing',
    body: typingHookBody(state, scope, chat, user.id),
  });
  return { sent: true, hook };
}

/** The manager sets or removes a reaction: stored, and a reaction hook (spec 4.5). */
export async function managerReaction(
  ctx: ManagerContext,
  messageId: string,
  input: { emoji?: string; type?: 'react' | 'unreact'; userId?: string },
): Promise<{ message: SandboxMessageView; hook: HookLogEntry }> {
  const { state } = ctx;
  const message = state.messages.get(messageId);
  if (!message) throw new ControlRequestError(404, `no message ${messageId}`);
  const chat = chatOf(state, message.chatId);
  const { scope, channel } = connectedScope(state, chat.scopeId);
  const user = actingUser(state, scope, input.userId);
  const type = input.type ?? 'react';
  if (type !== 'react' && type !== 'unreact') throw new ControlRequestError(400, 'type must be react or unreact');
  const allowed = channel.reactions ?? DEFAULT_REACTIONS;
  if (type === 'react') {
    if (typeof input.emoji !== 'string' || !allowed.includes(input.emoji)) {
      throw new ControlRequestError(400, `emoji must be one of the channel's reactions: ${allowed.join(' ')}`);
    }
    message.reactions = message.reactions.filter((r) => r.by !== user.id);
    message.reactions.push({ emoji: input.emoji, by: user.id, byKind: 'manager' });
  } else {
    message.reactions = message.reactions.filter((r) => r.by !== user.id);
  }
  state.emitMessage(message);
  const body = reactionHookBody(state, scope, chat, message, user.id, type, input.emoji);
  const hook = await ctx.hooks.send({ scope, channel, kind: 'reaction', body });
  return { message: state.messageView(message), hook };
}

/** The manager opens a chat: unread back to 0. */
export function markRead(ctx: ManagerContext, chatId: string): SandboxChatView {
  const chat = chatOf(ctx.state, chatId);
  chat.unread = 0;
  ctx.state.emitChat(chat);
  return ctx.state.chatView(chat);
}
