import { type CommentPost, MESSAGE_TYPES, type MessageType, type SharedPost } from '@amojo-bridge/sdk';
import { invalidRequest } from '../errors.js';
import type { MessageRecord } from '../state/records.js';
import { type JsonObject, optInt, optObject, optString, reqNumber, reqString } from './read-fields.js';

/** Content fields of a message record, as read from a request's `message` object. */
export type MessageContent = Pick<
  MessageRecord,
  | 'type'
  | 'text'
  | 'media'
  | 'fileName'
  | 'fileSize'
  | 'thumbnail'
  | 'mediaDuration'
  | 'stickerId'
  | 'location'
  | 'contact'
  | 'callbackData'
  | 'sharedPost'
  | 'post'
>;

const MEDIA_TYPES = new Set<MessageType>(['file', 'video', 'picture', 'voice', 'audio', 'sticker']);
// Spec 3.4.4: file_name and file_size are required for these three (optional on an unchanged edit).
const NAMED_FILE_TYPES = new Set<MessageType>(['file', 'video', 'picture']);

function readPost(message: JsonObject): CommentPost | undefined {
  const post = optObject(message, 'post', 'message.post');
  if (!post) return undefined;
  const previewUrl = optString(post, 'preview_url', 'message.post.preview_url');
  const previewPermalink = optString(post, 'preview_permalink', 'message.post.preview_permalink');
  const username = optString(post, 'username', 'message.post.username');
  const caption = optString(post, 'caption', 'message.post.caption');
  return {
    id: reqString(post, 'id', 'message.post.id'),
    url: reqString(post, 'url', 'message.post.url'),
    ...(previewUrl ? { preview_url: previewUrl } : {}),
    ...(previewPermalink ? { preview_permalink: previewPermalink } : {}),
    ...(username ? { username } : {}),
    ...(caption ? { caption } : {}),
  };
}

function readSharedPost(message: JsonObject): SharedPost | undefined {
  const shared = optObject(message, 'shared_post', 'message.shared_post');
  if (!shared) return undefined;
  reqString(shared, 'url', 'message.shared_post.url');
  return shared as unknown as SharedPost;
}

/**
 * Validates a request `message` object by type (spec 3.4.4) and returns its content. On an edit (`edit: true`)
 * media fields may be omitted when the file is unchanged, so only their types are checked.
 */
export function readMessageContent(message: JsonObject, edit: boolean): MessageContent {
  const type = reqString(message, 'type', 'message.type') as MessageType;
  if (!MESSAGE_TYPES.includes(type)) {
    throw invalidRequest(`message.type must be one of ${MESSAGE_TYPES.join(', ')}`);
  }
  const text = optString(message, 'text', 'message.text') ?? '';
  if (type === 'text' && text === '') throw invalidRequest('message.text is required for type text');
  const media = optString(message, 'media', 'message.media') ?? '';
  if (MEDIA_TYPES.has(type) && !edit && media === '') {
    throw invalidRequest(`message.media (a downloadable URL) is required for type ${type}`);
  }
  const fileName = optString(message, 'file_name', 'message.file_name') ?? '';
  const fileSize = optInt(message, 'file_size', 'message.file_size');
  if (NAMED_FILE_TYPES.has(type) && !edit) {
    if (fileName === '') throw invalidRequest(`message.file_name is required for type ${type}`);
    if (fileSize === undefined) throw invalidRequest(`message.file_size (integer, bytes) is required for type ${type}`);
  }
  if (fileSize !== undefined && fileSize < 0) throw invalidRequest('message.file_size must be >= 0');
  const content: MessageContent = {
    type,
    text,
    media,
    fileName,
    fileSize: fileSize ?? 0,
    // The sandbox makes no previews: a picture or video is its own thumbnail.
    thumbnail: type === 'picture' || type === 'video' ? media : '',
  };
  const extra: Partial<MessageContent> = {};
  const mediaDuration = optInt(message, 'media_duration', 'message.media_duration');
  if (mediaDuration !== undefined) extra.mediaDuration = mediaDuration;
  const stickerId = optString(message, 'sticker_id', 'message.sticker_id');
  if (stickerId !== undefined) extra.stickerId = stickerId;
  const callbackData = optString(message, 'callback_data', 'message.callback_data');
  if (callbackData !== undefined) extra.callbackData = callbackData;
  if (type === 'location' || message.location !== undefined) {
    const location = optObject(message, 'location', 'message.location');
    if (!location) throw invalidRequest('message.location {lon, lat} is required for type location');
    extra.location = {
      lon: reqNumber(location, 'lon', 'message.location.lon'),
      lat: reqNumber(location, 'lat', 'message.location.lat'),
    };
  }
  if (type === 'contact' || message.contact !== undefined) {
    const contact = optObject(message, 'contact', 'message.contact');
    if (!contact) throw invalidRequest('message.contact {name, phone} is required for type contact');
    extra.contact = {
      name: reqString(contact, 'name', 'message.contact.name'),
      phone: reqString(contact, 'phone', 'message.contact.phone'),
    };
  }
  const sharedPost = readSharedPost(message);
  if (sharedPost) extra.sharedPost = sharedPost;
  const post = readPost(message);
  if (post) extra.post = post;
  return { ...content, ...extra };
}
