export type { Participant, ParticipantProfile } from './participant.js';
export type { UpsertParticipantInput } from './upsert-participant.js';
export { adoptClientParticipantId, listParticipants, upsertParticipant } from './upsert-participant.js';
