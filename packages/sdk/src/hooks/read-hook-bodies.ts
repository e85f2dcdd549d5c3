// Readers that turn a received hook object into its typed body: required fields checked, optional ones copied only
// when present (null counts as absent), unknown fields dropped so the result matches its type exactly.
import { opt } from '../chats/validate-input.js';
import { AmojoInputError } from '../errors/amojo-error.js';
import type {
  HookButton,
  HookConversation,
  HookEmbeddedMessage,
  HookListMessage,
  HookMarkup,
  HookMessageContent,
  HookMessageV1Body,
  HookMessageV2Body,
  HookReactionBody,
  HookTemplate,
  HookTypingBody,
  HookUser,
} from '../types/hooks.js';
import { JsonReader } from './json-reader.js';

function readUser(r: JsonReader): HookUser {
  return {
    id: r.str('id'),
    ...opt('client_id', r.optStr('client_id')),
    ...opt('name', r.optStr('name')),
    ...opt('phone', r.optStr('phone')),
    ...opt('email', r.optStr('email')),
  };
}

function readConversation(r: JsonReader): HookConversation {
  return { id: r.str('id'), ...opt('client_id', r.optStr('client_id')) };
}

function readButton(item: unknown, path: string): HookButton {
  const r = new JsonReader(item, path);
  return { text: r.str('text'), ...opt('url', r.optStr('url')) };
}

function readListMessage(r: JsonReader): HookListMessage {
  return {
    ...opt('header', r.optStr('header')),
    body: r.str('body', true),
    ...opt('footer', r.optStr('footer')),
    button: r.str('button', true),
    sections: r.arr('sections', (item, path) => {
      const s = new JsonReader(item, path);
      return {
        title: s.str('title', true),
        rows: s.arr('rows', (rowItem, rowPath) => {
          const row = new JsonReader(rowItem, rowPath);
          return {
            callback_data: row.str('callback_data'),
            title: row.str('title', true),
            ...opt('description', row.optStr('description')),
          };
        }),
      };
    }),
  };
}

function readMarkup(r: JsonReader): HookMarkup {
  const list = r.optObj('list_message');
  return {
    ...opt('mode', r.optStr('mode') as HookMarkup['mode']),
    ...opt(
      'buttons',
      r.optArr('buttons', (row, path) => {
        if (!Array.isArray(row)) throw new AmojoInputError(`hook body: ${path} must be an array of buttons`, path);
        return row.map((button, i) => readButton(button, `${path}[${i}]`));
      }),
    ),
    ...opt('list_message', list && readListMessage(list)),
  };
}

function readTemplate(r: JsonReader): HookTemplate {
  return {
    id: r.num('id'),
    ...opt('external_id', r.optStr('external_id')),
    content: r.str('content', true),
    params:
      r.optArr('params', (item, path) => {
        const p = new JsonReader(item, path);
        return { key: p.str('key'), value: p.str('value', true) };
      }) ?? [],
  };
}

function readEmbedded(item: unknown, path: string): HookEmbeddedMessage {
  const r = new JsonReader(item, path);
  const sender = r.optObj('sender');
  const receiver = r.optObj('receiver');
  return {
    id: r.str('id'),
    ...opt('msgid', r.optStr('msgid')),
    ...opt('type', r.optStr('type')),
    ...opt('text', r.optStr('text')),
    ...opt('media', r.optStr('media')),
    ...opt('thumbnail', r.optStr('thumbnail')),
    ...opt('file_name', r.optStr('file_name')),
    ...opt('file_size', r.optNum('file_size')),
    ...opt('timestamp', r.optNum('timestamp')),
    ...opt('msec_timestamp', r.optNum('msec_timestamp')),
    ...opt('sender', sender && readUser(sender)),
    ...opt('receiver', receiver && readUser(receiver)),
  };
}

function readContent(r: JsonReader): HookMessageContent {
  const template = r.optObj('template');
  const replyTo = r.optObj('reply_to');
  const forwards = r.optObj('forwards');
  const post = r.optObj('post');
  // markup is documented as "object | null"; keep an explicit null so the body mirrors what was sent.
  const markup = r.value.markup === null ? null : r.optObj('markup');
  return {
    id: r.str('id'),
    type: r.str('type'),
    text: r.optStr('text') ?? '',
    ...opt('tag', r.optStr('tag')),
    ...opt('media', r.optStr('media')),
    ...opt('thumbnail', r.optStr('thumbnail')),
    ...opt('file_name', r.optStr('file_name')),
    ...opt('file_size', r.optNum('file_size')),
    ...opt('media_group_id', r.optStr('media_group_id')),
    ...opt('markup', markup === null ? null : markup && readMarkup(markup)),
    ...opt('template', template && readTemplate(template)),
    ...opt('reply_to', replyTo && { message: readEmbedded(replyTo.value.message, replyTo.at('message')) }),
    ...opt(
      'forwards',
      forwards && {
        messages: forwards.arr('messages', readEmbedded),
        ...opt('conversation_ref_id', forwards.optStr('conversation_ref_id')),
      },
    ),
    ...opt('post', post && { id: post.str('id') }),
  };
}

/** Reads a v2 outgoing-message or comment-reply hook (spec 4.2, 4.3). */
export function readMessageV2Body(root: JsonReader): HookMessageV2Body {
  const m = root.obj('message');
  const source = m.optObj('source');
  return {
    account_id: root.str('account_id'),
    time: root.num('time'),
    message: {
      conversation: readConversation(m.obj('conversation')),
      ...opt('source', source && { external_id: source.str('external_id', true) }),
      sender: readUser(m.obj('sender')),
      receiver: readUser(m.obj('receiver')),
      timestamp: m.num('timestamp'),
      msec_timestamp: m.num('msec_timestamp'),
      message: readContent(m.obj('message')),
    },
  };
}

/** Reads a manager typing hook (spec 4.4). */
export function readTypingBody(root: JsonReader): HookTypingBody {
  const t = root.obj('action').obj('typing');
  return {
    account_id: root.str('account_id'),
    time: root.num('time'),
    action: {
      typing: {
        user: { id: t.obj('user').str('id') },
        conversation: readConversation(t.obj('conversation')),
        expired_at: t.num('expired_at'),
        ...opt('post_id', t.optStr('post_id')),
      },
    },
  };
}

/** Reads a manager reaction hook in either shape (spec 4.5); one of `message.id` and `msgid` is required. */
export function readReactionBody(root: JsonReader): HookReactionBody {
  const r = root.obj('action').obj('reaction');
  const message = r.optObj('message');
  const msgid = r.optStr('msgid');
  if (!message && !msgid) {
    throw new AmojoInputError(
      'hook body: action.reaction.message.id (or the older action.reaction.msgid) is required',
      r.at('message.id'),
    );
  }
  const type = r.str('type');
  if (type !== 'react' && type !== 'unreact') {
    throw new AmojoInputError(
      `hook body: ${r.at('type')} must be "react" or "unreact", got ${JSON.stringify(type)}`,
      r.at('type'),
    );
  }
  const sender = message?.optObj('sender');
  const receiver = message?.optObj('receiver');
  return {
    account_id: root.str('account_id'),
    time: root.num('time'),
    action: {
      reaction: {
        ...opt(
          'message',
          message && {
            id: message.str('id'),
            ...opt('client_id', message.optStr('client_id')),
            ...opt('sender', sender && readUser(sender)),
            ...opt('receiver', receiver && readUser(receiver)),
            ...opt('timestamp', message.optNum('timestamp')),
            ...opt('msec_timestamp', message.optNum('msec_timestamp')),
          },
        ),
        ...opt('msgid', msgid),
        user: { id: r.obj('user').str('id') },
        conversation: readConversation(r.obj('conversation')),
        type,
        // An emoji is what a reaction is; only its removal comes without one (spec 4.5).
        ...opt('emoji', type === 'react' ? r.str('emoji') : r.optStr('emoji')),
      },
    },
  };
}

/** Reads the deprecated v1 message hook (spec 4.6). */
export function readMessageV1Body(root: JsonReader): HookMessageV1Body {
  return {
    receiver: root.str('receiver'),
    conversation_id: root.str('conversation_id'),
    type: root.str('type'),
    ...opt('text', root.optStr('text')),
    ...opt('media', root.optStr('media')),
    ...opt('thumbnail', root.optStr('thumbnail')),
    ...opt('file_name', root.optStr('file_name')),
    ...opt('file_size', root.optNum('file_size')),
    ...opt('msec_timestamp', root.optNum('msec_timestamp')),
  };
}
