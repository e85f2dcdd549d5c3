import { AmojoInputError } from '../errors/amojo-error.js';
import {
  type EmbeddedMessage,
  type EmbeddedUser,
  MESSAGE_TYPES,
  type MessageRequest,
  type MessageType,
  type OutMessage,
  type Participant,
} from '../types/chats.js';
import { buildEditDeliveryStatus } from './build-delivery-status.js';
import type {
  EditMessageOptions,
  EmbeddedMessageInput,
  ParticipantInput,
  SendCommentOptions,
  SendMessageOptions,
} from './chat-options.js';
import {
  opt,
  optionalBool,
  optionalInt,
  optionalSourceExternalId,
  optionalString,
  optionalText,
  optionalUrl,
  requireInt,
  requireNumber,
  requireObject,
  requireOneOf,
  requireString,
  requireUrl,
} from './validate-input.js';

const MEDIA_TYPES: readonly MessageType[] = ['file', 'video', 'picture', 'voice', 'audio', 'sticker'];
const SIZED_TYPES: readonly MessageType[] = ['file', 'video', 'picture'];

/** Validates a participant and returns its wire form (spec 3.4.3). */
export function buildParticipant(input: unknown, path: string): Participant {
  const p = requireObject(input, path) as Partial<ParticipantInput>;
  const profile = p.profile === undefined ? undefined : requireObject(p.profile, `${path}.profile`);
  return {
    id: requireString(p.id, `${path}.id`),
    ...opt('ref_id', optionalString(p.refId, `${path}.refId`)),
    name: requireString(p.name, `${path}.name`),
    ...opt('avatar', optionalUrl(p.avatar, `${path}.avatar`)),
    ...opt(
      'profile',
      profile && {
        ...opt('phone', optionalString(profile.phone, `${path}.profile.phone`)),
        ...opt('email', optionalString(profile.email, `${path}.profile.email`)),
      },
    ),
    ...opt('profile_link', optionalUrl(p.profileLink, `${path}.profileLink`)),
  };
}

function buildLocation(value: unknown, path: string): { lon: number; lat: number } {
  const l = requireObject(value, path);
  return { lon: requireNumber(l.lon, `${path}.lon`, -180, 180), lat: requireNumber(l.lat, `${path}.lat`, -90, 90) };
}

function buildContact(value: unknown, path: string): { name: string; phone: string } {
  const c = requireObject(value, path);
  return { name: requireString(c.name, `${path}.name`), phone: requireString(c.phone, `${path}.phone`) };
}

/**
 * Validates message content and returns the wire `message` (spec 3.4.4). Every given field is sent; the fields a
 * type requires are checked. On an edit (`edit: true`) media fields may be omitted when the file is unchanged.
 */
export function buildOutMessage(input: unknown, path: string, edit = false): OutMessage {
  const m = requireObject(input, path);
  const type = requireOneOf(m.type, MESSAGE_TYPES, `${path}.type`);
  const text = type === 'text' ? requireString(m.text, `${path}.text`) : optionalText(m.text, `${path}.text`);
  const needsMedia = !edit && MEDIA_TYPES.includes(type);
  const needsSize = !edit && SIZED_TYPES.includes(type);
  const media = needsMedia ? requireUrl(m.media, `${path}.media`) : optionalUrl(m.media, `${path}.media`);
  const fileName = needsSize
    ? requireString(m.fileName, `${path}.fileName`)
    : optionalString(m.fileName, `${path}.fileName`);
  const fileSize = needsSize ? requireInt(m.fileSize, `${path}.fileSize`) : optionalInt(m.fileSize, `${path}.fileSize`);
  const location =
    type === 'location' || m.location !== undefined ? buildLocation(m.location, `${path}.location`) : undefined;
  const contact =
    type === 'contact' || m.contact !== undefined ? buildContact(m.contact, `${path}.contact`) : undefined;
  const shared = m.sharedPost === undefined ? undefined : requireObject(m.sharedPost, `${path}.sharedPost`);
  return {
    type,
    ...opt('text', text),
    ...opt('media', media),
    ...opt('file_name', fileName),
    ...opt('file_size', fileSize),
    ...opt('media_duration', optionalInt(m.mediaDuration, `${path}.mediaDuration`)),
    ...opt('sticker_id', optionalString(m.stickerId, `${path}.stickerId`)),
    ...opt('location', location),
    ...opt('contact', contact),
    ...opt('callback_data', optionalString(m.callbackData, `${path}.callbackData`)),
    ...opt(
      'shared_post',
      shared && {
        url: requireUrl(shared.url, `${path}.sharedPost.url`),
        ...opt('preview_link', optionalUrl(shared.previewLink, `${path}.sharedPost.previewLink`)),
        ...opt('preview_permalink', optionalUrl(shared.previewPermalink, `${path}.sharedPost.previewPermalink`)),
        type: 'post' as const,
        ...opt('site_name', optionalString(shared.siteName, `${path}.sharedPost.siteName`)),
      },
    ),
  };
}

/** Validates a quoted/forwarded message (spec 3.4.5): by id, or fully described. */
export function buildEmbeddedMessage(input: unknown, path: string): EmbeddedMessage {
  const e = requireObject(input, path) as Partial<EmbeddedMessageInput> & Record<string, unknown>;
  const id = optionalString(e.amojoMsgId, `${path}.amojoMsgId`);
  const msgid = optionalString(e.msgid, `${path}.msgid`);
  const byId = id !== undefined || msgid !== undefined;
  // Without an id amojo cannot look the message up, so it must be described (spec 3.4.5).
  const type = byId
    ? e.type === undefined
      ? undefined
      : requireOneOf(e.type, MESSAGE_TYPES, `${path}.type`)
    : requireOneOf(e.type, MESSAGE_TYPES, `${path}.type`);
  const msec = byId
    ? optionalInt(e.msecTimestamp, `${path}.msecTimestamp`)
    : requireInt(e.msecTimestamp, `${path}.msecTimestamp`);
  let sender: EmbeddedUser | undefined;
  if (e.sender !== undefined || !byId) {
    const s = requireObject(e.sender, `${path}.sender`);
    const sid = optionalString(s.id, `${path}.sender.id`);
    const sref = optionalString(s.refId, `${path}.sender.refId`);
    const sname =
      sid === undefined && sref === undefined
        ? requireString(s.name, `${path}.sender.name`)
        : optionalString(s.name, `${path}.sender.name`);
    sender = { ...opt('id', sid), ...opt('ref_id', sref), ...opt('name', sname) };
  }
  const text = !byId && type === 'text' ? requireString(e.text, `${path}.text`) : optionalText(e.text, `${path}.text`);
  const location =
    (!byId && type === 'location') || e.location !== undefined
      ? buildLocation(e.location, `${path}.location`)
      : undefined;
  const contact =
    (!byId && type === 'contact') || e.contact !== undefined ? buildContact(e.contact, `${path}.contact`) : undefined;
  return {
    ...opt('id', id),
    ...opt('msgid', msgid),
    ...opt('type', type),
    ...opt('text', text),
    ...opt('file_name', optionalString(e.fileName, `${path}.fileName`)),
    ...opt('file_size', optionalInt(e.fileSize, `${path}.fileSize`)),
    ...opt('media_duration', optionalInt(e.mediaDuration, `${path}.mediaDuration`)),
    ...opt('location', location),
    ...opt('contact', contact),
    ...opt('timestamp', msec === undefined ? undefined : Math.floor(msec / 1000)),
    ...opt('msec_timestamp', msec),
    ...opt('sender', sender),
  };
}

function timestamps(msecTimestamp: unknown, now: () => Date): { timestamp: number; msec_timestamp: number } {
  const msec = msecTimestamp === undefined ? now().getTime() : requireInt(msecTimestamp, 'msecTimestamp', 0);
  return { timestamp: Math.floor(msec / 1000), msec_timestamp: msec };
}

/** Checks the sender/receiver addressing rules of spec 3.4.2 and 3.4.7. */
function checkAddressing(sender: Participant, receiver: Participant | undefined, conversationRefId?: string): void {
  if (receiver && sender.ref_id === undefined) {
    throw new AmojoInputError(
      'sender.refId is required for an outgoing message (with a receiver): the manager amojo_id or the channel bot id',
      'sender.refId',
    );
  }
  if (conversationRefId !== undefined && !receiver && sender.ref_id === undefined) {
    throw new AmojoInputError(
      'sender.refId is required with conversationRefId: binding a "write first" chat needs the client amojo id from the hook receiver.id (spec 3.4.7)',
      'sender.refId',
    );
  }
}

/** Validates {@link SendMessageOptions} and returns the `new_message` wire body (spec 3.4). */
export function buildSendMessageBody(input: SendMessageOptions, now: () => Date): MessageRequest {
  const o = requireObject(input, 'options') as Partial<SendMessageOptions>;
  const msgid = requireString(o.msgid, 'msgid');
  const conversationId = requireString(o.conversationId, 'conversationId');
  const conversationRefId = optionalString(o.conversationRefId, 'conversationRefId');
  const sender = buildParticipant(o.sender, 'sender');
  const receiver = o.receiver === undefined ? undefined : buildParticipant(o.receiver, 'receiver');
  checkAddressing(sender, receiver, conversationRefId);
  const sourceExternalId = optionalSourceExternalId(o.sourceExternalId, 'sourceExternalId');
  let forwards: MessageRequest['payload']['forwards'];
  if (o.forwards !== undefined) {
    const f = requireObject(o.forwards, 'forwards');
    if (!Array.isArray(f.messages) || f.messages.length === 0) {
      throw new AmojoInputError('forwards.messages must be a non-empty array', 'forwards.messages');
    }
    forwards = {
      messages: f.messages.map((m, i) => buildEmbeddedMessage(m, `forwards.messages[${i}]`)),
      ...opt('conversation_ref_id', optionalString(f.conversationRefId, 'forwards.conversationRefId')),
      ...opt('conversation_id', optionalString(f.conversationId, 'forwards.conversationId')),
    };
  }
  return {
    event_type: 'new_message',
    payload: {
      ...timestamps(o.msecTimestamp, now),
      msgid,
      conversation_id: conversationId,
      ...opt('conversation_ref_id', conversationRefId),
      silent: optionalBool(o.silent, 'silent') ?? false,
      ...opt('source', sourceExternalId === undefined ? undefined : { external_id: sourceExternalId }),
      sender,
      ...opt('receiver', receiver),
      message: buildOutMessage(o.message, 'message'),
      ...opt('reply_to', o.replyTo === undefined ? undefined : { message: buildEmbeddedMessage(o.replyTo, 'replyTo') }),
      ...opt('forwards', forwards),
    },
  };
}

/** Validates {@link EditMessageOptions} and returns the `edit_message` wire body (spec 3.4). */
export function buildEditMessageBody(input: EditMessageOptions, now: () => Date): MessageRequest {
  const o = requireObject(input, 'options') as Partial<EditMessageOptions>;
  const msgid = optionalString(o.msgid, 'msgid');
  const id = optionalString(o.amojoMsgId, 'amojoMsgId');
  if (msgid === undefined && id === undefined) {
    throw new AmojoInputError('editMessage needs msgid or amojoMsgId to identify the message', 'msgid');
  }
  const message = buildOutMessage(o.message, 'message', true);
  const status = o.deliveryStatus === undefined ? undefined : buildEditDeliveryStatus(o.deliveryStatus);
  return {
    event_type: 'edit_message',
    payload: {
      ...timestamps(o.msecTimestamp, now),
      ...opt('msgid', msgid),
      ...opt('id', id),
      conversation_id: requireString(o.conversationId, 'conversationId'),
      message: { ...message, ...opt('delivery_status', status) },
    },
  };
}

/** Validates {@link SendCommentOptions} and returns the comment's `new_message` wire body (spec 3.4.6). */
export function buildSendCommentBody(input: SendCommentOptions, now: () => Date): MessageRequest {
  const o = requireObject(input, 'options') as Partial<SendCommentOptions>;
  const msgid = requireString(o.msgid, 'msgid');
  const conversationId = requireString(o.conversationId, 'conversationId');
  const sender = buildParticipant(o.sender, 'sender');
  const receiver = o.receiver === undefined ? undefined : buildParticipant(o.receiver, 'receiver');
  checkAddressing(sender, receiver);
  const sourceExternalId = optionalSourceExternalId(o.sourceExternalId, 'sourceExternalId');
  const p = requireObject(o.post, 'post');
  const post = {
    id: requireString(p.id, 'post.id'),
    url: requireUrl(p.url, 'post.url'),
    ...opt('preview_url', optionalUrl(p.previewUrl, 'post.previewUrl')),
    ...opt('preview_permalink', optionalUrl(p.previewPermalink, 'post.previewPermalink')),
    ...opt('username', optionalString(p.username, 'post.username')),
    ...opt('caption', optionalText(p.caption, 'post.caption')),
  };
  return {
    event_type: 'new_message',
    payload: {
      ...timestamps(o.msecTimestamp, now),
      msgid,
      conversation_id: conversationId,
      silent: optionalBool(o.silent, 'silent') ?? false,
      ...opt('source', sourceExternalId === undefined ? undefined : { external_id: sourceExternalId }),
      sender,
      ...opt('receiver', receiver),
      message: { ...buildOutMessage(o.message, 'message'), post },
    },
  };
}
