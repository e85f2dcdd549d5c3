import { randomUUID } from 'node:crypto';
import { invalidRequest } from '../errors.js';
import type { ParticipantRecord, ScopeRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { type JsonObject, optObject, optString, reqString } from './read-fields.js';

/** The parts of a request participant (spec 3.4.3) the sandbox keeps. */
export interface ParticipantInput {
  readonly id: string;
  readonly refId?: string;
  readonly name: string;
  readonly avatar?: string;
  readonly phone?: string;
  readonly email?: string;
  readonly profileLink?: string;
}

/** Reads a `sender` / `receiver` / `user` object; `id` and `name` are required. */
export function readParticipant(obj: JsonObject, path: string): ParticipantInput {
  const profile = optObject(obj, 'profile', `${path}.profile`);
  const refId = optString(obj, 'ref_id', `${path}.ref_id`);
  const avatar = optString(obj, 'avatar', `${path}.avatar`);
  const phone = profile ? optString(profile, 'phone', `${path}.profile.phone`) : undefined;
  const email = profile ? optString(profile, 'email', `${path}.profile.email`) : undefined;
  const profileLink = optString(obj, 'profile_link', `${path}.profile_link`);
  return {
    id: reqString(obj, 'id', `${path}.id`),
    name: reqString(obj, 'name', `${path}.name`),
    ...(refId ? { refId } : {}),
    ...(avatar ? { avatar } : {}),
    ...(phone ? { phone } : {}),
    ...(email ? { email } : {}),
    ...(profileLink ? { profileLink } : {}),
  };
}

function update(p: ParticipantRecord, input: ParticipantInput): void {
  p.name = input.name;
  if (input.avatar !== undefined) p.avatar = input.avatar;
  if (input.phone !== undefined) p.phone = input.phone;
  if (input.email !== undefined) p.email = input.email;
  if (input.profileLink !== undefined) p.profileLink = input.profileLink;
}

/**
 * Finds or creates the client participant of a scope and refreshes its data. A `ref_id` must name a client of this
 * scope (the "write first" binding, spec 3.4.7): an unbound client then takes the integration's `id`.
 */
export function upsertClient(state: SandboxState, scope: ScopeRecord, input: ParticipantInput, path: string) {
  const byClientId = state.clientByClientId(scope.scopeId, input.id);
  if (input.refId !== undefined) {
    const byRef = state.participants.get(input.refId);
    if (byRef?.kind !== 'client' || byRef.scopeId !== scope.scopeId) {
      throw invalidRequest(`${path}.ref_id ${input.refId} is not a participant of this scope`);
    }
    if (byRef.clientId !== null && byRef.clientId !== input.id) {
      throw invalidRequest(`${path}.ref_id ${input.refId} is already bound to another ${path}.id`);
    }
    if (byClientId && byClientId.id !== byRef.id) {
      throw invalidRequest(`${path}.id ${input.id} already belongs to another participant than ${path}.ref_id`);
    }
    byRef.clientId = input.id;
    update(byRef, input);
    state.putParticipant(scope.scopeId, byRef);
    return byRef;
  }
  if (byClientId) {
    update(byClientId, input);
    return byClientId;
  }
  const created: ParticipantRecord = {
    id: randomUUID(),
    kind: 'client',
    scopeId: scope.scopeId,
    clientId: input.id,
    name: input.name,
  };
  update(created, input);
  state.putParticipant(scope.scopeId, created);
  return created;
}
