import { randomUUID } from 'node:crypto';
import type {
  HookEmbeddedMessage,
  HookMessageV1Body,
  HookMessageV2Body,
  HookReactionBody,
  HookTypingBody,
} from '../types/hooks.js';
import { SEED } from './seed.js';

/**
 * Deep overrides of a hook body: objects are merged key by key, arrays and other values replace, and a key set to
 * `undefined` is removed (e.g. `{ message: { conversation: { client_id: undefined } } }` makes a "write first" hook).
 */
export type HookOverrides<T> = {
  readonly [K in keyof T]?:
    | (NonNullable<T[K]> extends readonly unknown[]
        ? T[K]
        : NonNullable<T[K]> extends object
          ? HookOverrides<NonNullable<T[K]>> | Extract<T[K], null>
          : T[K])
    | undefined;
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Merges `overrides` into a copy of `base` with the rules of {@link HookOverrides}. */
export function mergeHook<T>(base: T, overrides: HookOverrides<T> | undefined): T {
  return merge(base, overrides) as T;
}

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return structuredClone(base);
  if (!isPlainObject(over) || !isPlainObject(base)) return structuredClone(over);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) delete out[key];
    else out[key] = merge(base[key], value);
  }
  return out;
}

function nowSeconds(): { time: number; timestamp: number; msec: number } {
  const msec = Date.now();
  return { time: Math.floor(msec / 1000), timestamp: Math.floor(msec / 1000), msec };
}

/**
 * A realistic v2 outgoing-message hook (spec 4.2): the seed's manager writes text to the seed's client, with a fresh
 * amojo message id and the current time. Override anything, e.g. `{ message: { message: { type: 'picture' } } }`.
 */
export function buildMessageHook(overrides?: HookOverrides<HookMessageV2Body>): HookMessageV2Body {
  const t = nowSeconds();
  const base: HookMessageV2Body = {
    account_id: SEED.accountId,
    time: t.time,
    message: {
      receiver: {
        id: SEED.clientAmojoId,
        phone: '+79151112233',
        email: 'example.client@example.com',
        client_id: SEED.clientId,
      },
      sender: { id: SEED.managerAmojoId },
      conversation: { id: SEED.amojoChatId, client_id: SEED.conversationId },
      timestamp: t.timestamp,
      msec_timestamp: t.msec,
      message: {
        id: randomUUID(),
        type: 'text',
        text: 'Hello from amoCRM',
        tag: '',
        media: '',
        thumbnail: '',
        file_name: '',
        file_size: 0,
      },
    },
  };
  return mergeHook(base, overrides);
}

/**
 * A comment-reply hook (spec 4.3): a manager answers the client's comment under post `post-1` as a comment, quoting
 * the client's comment; `markup` is `null` as in the docs' example.
 */
export function buildCommentHook(overrides?: HookOverrides<HookMessageV2Body>): HookMessageV2Body {
  const t = nowSeconds();
  const quoted: HookEmbeddedMessage = {
    id: randomUUID(),
    msgid: 'my_int-comment-1',
    type: 'text',
    text: 'What is the price?',
    timestamp: t.timestamp - 60,
    msec_timestamp: t.msec - 60_000,
    sender: { id: SEED.clientAmojoId, name: 'Client', client_id: SEED.clientId },
  };
  const base: HookMessageV2Body = {
    account_id: SEED.accountId,
    time: t.time,
    message: {
      receiver: { id: SEED.clientAmojoId, client_id: SEED.clientId, name: 'Client', phone: '', email: '' },
      sender: { id: SEED.managerAmojoId, name: 'Manager' },
      conversation: { id: SEED.amojoChatId, client_id: SEED.conversationId },
      timestamp: t.timestamp,
      msec_timestamp: t.msec,
      message: {
        id: randomUUID(),
        type: 'text',
        text: 'It is 100 EUR',
        tag: '',
        markup: null,
        reply_to: { message: quoted },
        post: { id: 'post-1' },
      },
    },
  };
  return mergeHook(base, overrides);
}

/** A manager typing hook (spec 4.4), `expired_at` = now + 5 s. */
export function buildTypingHook(overrides?: HookOverrides<HookTypingBody>): HookTypingBody {
  const t = nowSeconds();
  const base: HookTypingBody = {
    account_id: SEED.accountId,
    time: t.time,
    action: {
      typing: {
        user: { id: SEED.managerAmojoId },
        conversation: { id: SEED.amojoChatId, client_id: SEED.conversationId },
        expired_at: t.time + 5,
      },
    },
  };
  return mergeHook(base, overrides);
}

/**
 * A manager reaction hook (spec 4.5) carrying both documented shapes at once, the 2023 `message` object and the older
 * `msgid` (= `message.id`), as the sandbox sends it. Remove one with `{ action: { reaction: { msgid: undefined } } }`.
 */
export function buildReactionHook(overrides?: HookOverrides<HookReactionBody>): HookReactionBody {
  const t = nowSeconds();
  const amojoMsgId = randomUUID();
  const base: HookReactionBody = {
    account_id: SEED.accountId,
    time: t.time,
    action: {
      reaction: {
        message: {
          id: amojoMsgId,
          client_id: 'my_int-5f2836a8ca481',
          sender: { id: SEED.clientAmojoId, client_id: SEED.clientId },
          timestamp: t.timestamp - 30,
          msec_timestamp: t.msec - 30_000,
        },
        msgid: amojoMsgId,
        user: { id: SEED.managerAmojoId },
        conversation: { id: SEED.amojoChatId, client_id: SEED.conversationId },
        type: 'react',
        emoji: '👍',
      },
    },
  };
  return mergeHook(base, overrides);
}

/** A deprecated v1 message hook (spec 4.6). */
export function buildMessageV1Hook(overrides?: HookOverrides<HookMessageV1Body>): HookMessageV1Body {
  const base: HookMessageV1Body = {
    receiver: SEED.clientId,
    conversation_id: SEED.conversationId,
    type: 'text',
    text: 'Hello from amoCRM',
    media: '',
    thumbnail: '',
    file_name: '',
    file_size: 0,
    msec_timestamp: Date.now(),
  };
  return mergeHook(base, overrides);
}

/** One attachment of {@link buildAlbumHooks}. */
export interface AlbumItem {
  readonly type: 'picture' | 'video' | 'file';
  readonly media: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  readonly thumbnail?: string;
}

/**
 * The hooks of one multi-attachment send (spec 4.2): one message hook per item, all sharing one `media_group_id`,
 * each with its own amojo message id; the caption (`text`) rides on the first. `items` may be a count of pictures.
 */
export function buildAlbumHooks(
  items: readonly AlbumItem[] | number = 3,
  overrides?: HookOverrides<HookMessageV2Body>,
  caption = 'Photos',
): HookMessageV2Body[] {
  const list: readonly AlbumItem[] =
    typeof items === 'number'
      ? Array.from({ length: items }, (_, i) => ({
          type: 'picture' as const,
          media: `https://amojo.amocrm.ru/attachments/album/photo-${i + 1}.jpg`,
          fileName: `photo-${i + 1}.jpg`,
          fileSize: 10_000 + i,
          thumbnail: `https://amojo.amocrm.ru/attachments/album/photo-${i + 1}-thumb.jpg`,
        }))
      : items;
  const mediaGroupId = randomUUID();
  return list.map((item, i) => {
    const hook = buildMessageHook({
      message: {
        message: {
          type: item.type,
          text: i === 0 ? caption : '',
          media: item.media,
          thumbnail: item.thumbnail ?? '',
          file_name: item.fileName ?? '',
          file_size: item.fileSize ?? 0,
          media_group_id: mediaGroupId,
        },
      },
    });
    return mergeHook(hook, overrides);
  });
}
