import type { AmocrmDeps } from '../amocrm/amocrm-deps.js';
import { restClientForAccount } from '../amocrm/rest-client-for-account.js';
import type { AccountRowId } from '../store/ids.js';

/** An amoCRM user the import can attribute messages to. */
export interface AccountUser {
  /** The numeric amoCRM user id. */
  readonly id: number;
  readonly name: string;
  readonly amojoId: string;
}

/** Lists an account's users with their amojo ids; `null` when the bridge holds no working OAuth tokens for it. */
export type AccountUsers = (accountRowId: AccountRowId) => Promise<readonly AccountUser[] | null>;

/** {@link AccountUsers} through the account's REST client (`GET /api/v4/users?with=amojo_id`, every page). */
export function accountUsersVia(deps: AmocrmDeps): AccountUsers {
  return async (accountRowId) => {
    const crm = await restClientForAccount(deps, accountRowId);
    if (!crm) return null;
    const users: AccountUser[] = [];
    for await (const user of crm.iterateUsers()) {
      if (user.amojo_id) users.push({ id: user.id, name: user.name, amojoId: user.amojo_id });
    }
    return users;
  };
}

const normal = (name: string) => name.normalize('NFC').trim().toLocaleLowerCase();

/**
 * Manager names -> users, matched by name (case and surrounding spaces ignored). A name two users share is left
 * out (the map file must say which one).
 */
export function usersByName(users: readonly AccountUser[]): ReadonlyMap<string, AccountUser> {
  const byName = new Map<string, AccountUser | null>();
  for (const user of users) {
    const key = normal(user.name);
    byName.set(key, byName.has(key) ? null : user);
  }
  return new Map([...byName].flatMap(([k, v]) => (v ? [[k, v] as const] : [])));
}

export const nameKey = normal;
