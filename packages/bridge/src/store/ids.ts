// Ids that say what they are. Every table's `id` is an integer, so an account's row id passed where a conversation's
// is expected typechecks as plain `number` and finds the wrong row (or none) at run time; the string ids are the
// same trap with more names (amojo's chat id where our conversation id is meant, our msgid where amojo's message id
// is meant). A brand makes each id its own type: the value is still the number or string (no wrapper, nothing at run
// time, nothing on the wire), but only a value made as that id fits. A branded id is still a `number` or `string`
// wherever one is expected (SQL parameters, log fields, URLs).
//
// Ids are branded where they come from: the store's record mappers (`toAccount`, `toConversation`, ...) and, at the
// edges where a string enters (a parsed hook or amojo answer, an admin path or query parameter (the admin schemas of
// `admin/public-ids.ts` parse to branded ids), a CLI argument, a channel's inbound request), the `as...` functions
// below (also for a row selected without a mapper, a test's literal). Job payloads declare their ids branded: they
// were written from branded values. Integers end in `RowId` (`JobId` is the queue's); amojo's string ids start with
// `Amojo` (or are its `ScopeId`); ours are `ConversationId` and `Msgid`, and a channel's are `ChannelInstanceKey` and
// `ChannelChatKey`. Still plain strings: the messenger's message ids (`channelMessageId`, looked up as either kind on
// purpose), participant ids, amojo's channel id. The SDK keeps plain strings too: it is the wire client.

declare const brand: unique symbol;

/** `T` marked as the id `B`: assignable to `T`, but a plain `T` (or another brand) is not assignable to it. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** `accounts.id`. */
export type AccountRowId = Brand<number, 'AccountRowId'>;
/** `conversations.id` (not the protocol's `conversation_id`, our string id of the chat). */
export type ConversationRowId = Brand<number, 'ConversationRowId'>;
/** `channel_instances.id`. */
export type ChannelInstanceRowId = Brand<number, 'ChannelInstanceRowId'>;
/** `messages.id`. */
export type MessageRowId = Brand<number, 'MessageRowId'>;
/** `hooks.id`: one entry of the hook intake log (the admin API and the logs name a hook by it). */
export type HookRowId = Brand<number, 'HookRowId'>;
/** `jobs.id`: the queue's id of a job, the one the admin API and the logs name it by. */
export type JobId = Brand<number, 'JobId'>;
/** `participants.id`. */
export type ParticipantRowId = Brand<number, 'ParticipantRowId'>;

/** amojo's scope id (`scope_id`, `accounts.scope_id`): the channel connected to one amoCRM account. */
export type ScopeId = Brand<string, 'ScopeId'>;
/** amojo's account id (`accounts.amojo_account_id`, a UUID; not `accounts.id`, not amoCRM's numeric account id). */
export type AmojoAccountId = Brand<string, 'AmojoAccountId'>;
/** amojo's chat id (`conversations.amojo_chat_id`, a hook's `conversation.id`; not our `conversation_id`). */
export type AmojoChatId = Brand<string, 'AmojoChatId'>;
/** amojo's message id (`messages.amojo_msgid`, a hook's `message.id`; not our msgid). */
export type AmojoMsgId = Brand<string, 'AmojoMsgId'>;
/** Our chat id (`conversations.conversation_id`, the protocol's `conversation_id`; not amojo's chat id). */
export type ConversationId = Brand<string, 'ConversationId'>;
/** Our message id (`messages.msgid`, the protocol's `msgid`; not amojo's message id, not the messenger's). */
export type Msgid = Brand<string, 'Msgid'>;
/** A channel instance's public key (`channel_instances.key`, the `:instance` of its URLs; not its row id). */
export type ChannelInstanceKey = Brand<string, 'ChannelInstanceKey'>;
/** The messenger's key of a chat within one channel instance (`conversations.channel_chat_key`). */
export type ChannelChatKey = Brand<string, 'ChannelChatKey'>;

/** Brands a number the type system cannot trace (a row selected without a mapper, a literal) as an account row id. */
export const asAccountRowId = (id: number): AccountRowId => id as AccountRowId;
/** Brands a number as a conversation row id (see {@link asAccountRowId}). */
export const asConversationRowId = (id: number): ConversationRowId => id as ConversationRowId;
/** Brands a number as a channel instance row id (see {@link asAccountRowId}). */
export const asChannelInstanceRowId = (id: number): ChannelInstanceRowId => id as ChannelInstanceRowId;
/** Brands a number as a job id (a path segment, a CLI argument; see {@link asAccountRowId}). */
export const asJobId = (id: number): JobId => id as JobId;
/** Brands a number as a message row id (see {@link asAccountRowId}). */
export const asMessageRowId = (id: number): MessageRowId => id as MessageRowId;
/** Brands a number as a hook log row id (see {@link asAccountRowId}). */
export const asHookRowId = (id: number): HookRowId => id as HookRowId;

/** Brands a string the type system cannot trace (a parsed hook's field, a path parameter, a literal) as a scope id. */
export const asScopeId = (id: string): ScopeId => id as ScopeId;
/** Brands a string as amojo's account id (see {@link asScopeId}). */
export const asAmojoAccountId = (id: string): AmojoAccountId => id as AmojoAccountId;
/** Brands a string as amojo's chat id (see {@link asScopeId}). */
export const asAmojoChatId = (id: string): AmojoChatId => id as AmojoChatId;
/** Brands a string as amojo's message id (see {@link asScopeId}). */
export const asAmojoMsgId = (id: string): AmojoMsgId => id as AmojoMsgId;
/** Brands a string as our conversation id (see {@link asScopeId}). */
export const asConversationId = (id: string): ConversationId => id as ConversationId;
/** Brands a string as our message id (see {@link asScopeId}). */
export const asMsgid = (id: string): Msgid => id as Msgid;
/** Brands a string as a channel instance's key (see {@link asScopeId}). */
export const asChannelInstanceKey = (key: string): ChannelInstanceKey => key as ChannelInstanceKey;
/** Brands a string as a messenger's chat key (see {@link asScopeId}). */
export const asChannelChatKey = (key: string): ChannelChatKey => key as ChannelChatKey;
