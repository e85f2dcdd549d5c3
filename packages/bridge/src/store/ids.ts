// Ids that say what they are. Every table's `id` is an integer, so an account's row id passed where a conversation's
// is expected typechecks as plain `number` and finds the wrong row (or none) at run time. A brand makes each row id
// its own type: the value is still the number (no wrapper, nothing at run time), but only a value made as that id
// fits. The string ids (amojo's account, chat and message ids, instance keys) are not branded yet.
//
// Ids are branded where they come from: the store's record mappers (`toAccount`, `toConversation`, ...) and, at the
// edges, the `as...` functions below (a row selected without a mapper, a test's literal). Job payloads declare their
// ids branded: they were written from branded values. Integers end in `RowId`.

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
/** `jobs.id`: the queue's id of a job, the one the admin API and the logs name it by. */
export type JobId = Brand<number, 'JobId'>;
/** `participants.id`. */
export type ParticipantRowId = Brand<number, 'ParticipantRowId'>;

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
