import type { Selectable } from 'kysely';
import type { ParticipantsTable } from '../database.js';
import type { ConversationRowId, ParticipantRowId } from '../ids.js';
import { fromJson } from '../json.js';

/** Contact details of a participant, as sent in `sender.profile` and hooks. */
export interface ParticipantProfile {
  readonly phone?: string;
  readonly email?: string;
  readonly avatar?: string;
  readonly profile_link?: string;
}

/** A person (or the bot) in a conversation. */
export interface Participant {
  readonly id: ParticipantRowId;
  readonly conversationRowId: ConversationRowId;
  readonly role: 'client' | 'manager' | 'bot';
  /** Our participant id (`sender.id`), null for amoCRM users. */
  readonly participantId: string | null;
  /** amojo participant id (`ref_id`). */
  readonly amojoParticipantId: string | null;
  readonly name: string | null;
  readonly profile: ParticipantProfile;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps a `participants` row to a {@link Participant}. */
export function toParticipant(row: Selectable<ParticipantsTable>): Participant {
  return {
    id: row.id as ParticipantRowId,
    conversationRowId: row.conversation_row_id as ConversationRowId,
    role: row.role,
    participantId: row.participant_id,
    amojoParticipantId: row.amojo_participant_id,
    name: row.name,
    profile: fromJson(row.profile) as ParticipantProfile,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
