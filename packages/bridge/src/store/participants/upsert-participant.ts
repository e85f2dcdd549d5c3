import type { ConversationRowId } from '../ids.js';
import { toJson } from '../json.js';
import type { Executor } from '../store.js';
import { type Participant, type ParticipantProfile, toParticipant } from './participant.js';

/** Input of {@link upsertParticipant}: at least one of `participantId` and `amojoParticipantId`. */
export interface UpsertParticipantInput {
  readonly conversationRowId: ConversationRowId;
  readonly role: 'client' | 'manager' | 'bot';
  readonly participantId?: string | undefined;
  readonly amojoParticipantId?: string | undefined;
  readonly name?: string | undefined;
  readonly profile?: ParticipantProfile | undefined;
  readonly now?: number | undefined;
}

/**
 * Creates or updates a participant of a conversation, keyed by our id when given (clients), else by amojo's id
 * (managers, the bot). Known fields are never erased by a later call that lacks them.
 */
export async function upsertParticipant(db: Executor, input: UpsertParticipantInput): Promise<Participant> {
  const now = input.now ?? Date.now();
  if (input.participantId === undefined && input.amojoParticipantId === undefined) {
    throw new TypeError('upsertParticipant: participantId or amojoParticipantId is required');
  }
  const key =
    input.participantId !== undefined
      ? (['conversation_row_id', 'participant_id'] as const)
      : (['conversation_row_id', 'amojo_participant_id'] as const);
  const row = await db
    .insertInto('participants')
    .values({
      conversation_row_id: input.conversationRowId,
      role: input.role,
      participant_id: input.participantId ?? null,
      amojo_participant_id: input.amojoParticipantId ?? null,
      name: input.name ?? null,
      profile: toJson(input.profile ?? {}),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns([...key]).doUpdateSet({
        updated_at: now,
        ...(input.amojoParticipantId !== undefined && { amojo_participant_id: input.amojoParticipantId }),
        ...(input.name !== undefined && { name: input.name }),
        ...(input.profile !== undefined && { profile: toJson(input.profile) }),
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toParticipant(row);
}

/** Lists the participants of a conversation in id order. */
export async function listParticipants(db: Executor, conversationRowId: number): Promise<Participant[]> {
  const rows = await db
    .selectFrom('participants')
    .selectAll()
    .where('conversation_row_id', '=', conversationRowId)
    .orderBy('id')
    .execute();
  return rows.map(toParticipant);
}

/**
 * Gives a "write first" chat's client (known only by amojo's id until the client answers) our participant id; a
 * client that has one keeps it.
 */
export async function adoptClientParticipantId(
  db: Executor,
  input: { readonly conversationRowId: ConversationRowId; readonly participantId: string; readonly now: number },
): Promise<void> {
  await db
    .updateTable('participants')
    .set({ participant_id: input.participantId, updated_at: input.now })
    .where('conversation_row_id', '=', input.conversationRowId)
    .where('role', '=', 'client')
    .where('participant_id', 'is', null)
    .execute();
}
