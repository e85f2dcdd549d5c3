import { AmojoInputError, AmojoSignatureError } from '../errors/amojo-error.js';
import type { RawBody } from '../signing/digest.js';
import { verifyHook } from '../signing/hook-signature.js';
import { explainHookSignatureFailure } from './explain-signature-failure.js';
import { JsonReader } from './json-reader.js';
import type { ParsedHook } from './parsed-hook.js';
import { readMessageV1Body, readMessageV2Body, readReactionBody, readTypingBody } from './read-hook-bodies.js';

const nonEmpty = (s: string | undefined): string | undefined => (s === '' ? undefined : s);

/**
 * Parses a hook body that was already verified (or stored after verification), telling the kinds apart as spec 4.1
 * does. Accepts the parsed JSON or its text. Throws {@link AmojoInputError} with the JSON path of a missing or
 * mistyped required field.
 */
export function parseHookBody(json: unknown): ParsedHook {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw new AmojoInputError('hook body is not valid JSON', '', { cause });
    }
  }
  const root = new JsonReader(value, '');
  const action = root.optObj('action');
  if (root.has('message')) {
    const body = readMessageV2Body(root);
    const { conversation, message } = body.message;
    const common = {
      accountId: body.account_id,
      amojoChatId: conversation.id,
      conversationId: nonEmpty(conversation.client_id),
      amojoMsgId: message.id,
    };
    return message.post
      ? { kind: 'comment', body, ...common, postId: message.post.id }
      : { kind: 'message', body, ...common };
  }
  if (action?.has('typing')) {
    const body = readTypingBody(root);
    const { typing } = body.action;
    return {
      kind: 'typing',
      body,
      accountId: body.account_id,
      amojoChatId: typing.conversation.id,
      conversationId: nonEmpty(typing.conversation.client_id),
      amojoUserId: typing.user.id,
      expiredAt: typing.expired_at,
    };
  }
  if (action?.has('reaction')) {
    const body = readReactionBody(root);
    const { reaction } = body.action;
    return {
      kind: 'reaction',
      body,
      accountId: body.account_id,
      amojoChatId: reaction.conversation.id,
      conversationId: nonEmpty(reaction.conversation.client_id),
      // The 2023 shape carries message.id; the older one only msgid, which the docs' example shows as amojo's UUID.
      amojoMsgId: reaction.message?.id ?? (reaction.msgid as string),
      msgid: nonEmpty(reaction.message?.client_id),
      amojoUserId: reaction.user.id,
      type: reaction.type,
      emoji: reaction.emoji,
    };
  }
  if (typeof root.value.receiver === 'string' && root.has('conversation_id')) {
    const body = readMessageV1Body(root);
    return { kind: 'message_v1', body, conversationId: body.conversation_id, receiverId: body.receiver };
  }
  throw new AmojoInputError(
    'hook body is not a known amojo hook: expected "message" (v2 message or comment), "action.typing", "action.reaction" or a v1 body with "receiver" and "conversation_id"',
    '',
  );
}

/**
 * Verifies a hook's `X-Signature` over the raw body bytes (constant time), then parses it (spec 4).
 * Throws {@link AmojoSignatureError} naming the likely mistake when the signature does not match, and
 * {@link AmojoInputError} when the verified body is not a valid hook.
 * @example
 * const hook = parseHook(rawBody, request.headers['x-signature'], channelSecret);
 * if (hook.kind === 'message') await queue.add(hook.amojoMsgId, hook.body);
 */
export function parseHook(rawBody: RawBody, signature: string | null | undefined, secret: string): ParsedHook {
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new AmojoSignatureError(
      `parseHook needs the raw body (a string or bytes) exactly as received, got ${rawBody === null ? 'null' : typeof rawBody}: ` +
        'the body was already parsed; read it as bytes before any JSON parser runs',
    );
  }
  if (!verifyHook(rawBody, signature, secret)) {
    throw new AmojoSignatureError(explainHookSignatureFailure(rawBody, signature, secret));
  }
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  return parseHookBody(text);
}
