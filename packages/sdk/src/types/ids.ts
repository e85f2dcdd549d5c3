// In requests `id` is the integration's id and `ref_id` amojo's; in responses and hooks `id` is amojo's and
// `client_id` the integration's (spec 1.2, "naming trap"). These aliases keep the two apart in signatures.

/** Channel UUID issued by amoCRM support. */
export type ChannelId = string;
/** `{channel_id}_{account_amojo_id}`, returned by connect. */
export type ScopeId = string;
/** Account amojo_id (UUID), not the numeric account id. */
export type AccountAmojoId = string;
/** The integration's own chat id (`conversation_id` in requests, `conversation.client_id` in hooks). */
export type ConversationId = string;
/** amojo's chat UUID (`conversation.id` in hooks, `conversation_ref_id` in requests). */
export type AmojoChatId = string;
/** The integration's own message id (`payload.msgid`, echoed as `new_message.ref_id`). */
export type ClientMsgId = string;
/** amojo's message UUID (`new_message.msgid`, hook `message.message.id`). */
export type AmojoMsgId = string;
/** The integration's participant id (`sender.id` in requests, `client_id` in answers). */
export type ClientUserId = string;
/** amojo's participant UUID (user/bot amojo_id, `ref_id` in requests). */
export type AmojoUserId = string;

/** Builds a scope id from its parts (spec 1.2). */
export function scopeIdOf(channelId: ChannelId, accountId: AccountAmojoId): ScopeId {
  return `${channelId}_${accountId}`;
}
