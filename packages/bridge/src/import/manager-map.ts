import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * The map file: manager names as the export writes them -> amoCRM users, by amojo id (`GET /api/v4/users?with=amojo_id`,
 * or the sandbox's account users) or by numeric amoCRM user id (resolved to the amojo id through the account's REST
 * API, which needs its OAuth tokens). An entry may also rename the manager for amoCRM:
 * `{ "Anna (shop)": "76fc2bea-...", "Carl": 8123456, "Bob": { "amojoId": "1f2e...", "name": "Bob Smith" },
 *    "Dana": { "userId": 8123457 } }`. A string of digits is a user id too (amojo ids are UUIDs).
 */
const userId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const name = z.string().min(1).max(255).optional();
const entry = z.union([
  z.string().min(1).max(64),
  userId,
  z.object({ amojoId: z.string().min(1).max(64), name }).strict(),
  z.object({ userId: z.union([userId, z.string().regex(/^\d{1,15}$/)]), name }).strict(),
]);
const mapSchema = z.record(z.string().min(1).max(255), entry);

/**
 * A manager resolved for amojo: `refId` is the user's amojo id. An entry that named a numeric amoCRM user id has
 * `userId` and an empty `amojoId` until {@link resolveUserIds} fills it in.
 */
export interface MappedManager {
  readonly amojoId: string;
  readonly name: string;
  readonly userId?: number;
}

export type ManagerMap = ReadonlyMap<string, MappedManager>;

/** A map file entry that cannot be used (for the admin API: a bad `map` field, not a bad instance). */
export class ManagerMapError extends Error {
  override readonly name = 'ManagerMapError';
}

/** Parses a map file's JSON; throws naming the entry at fault. */
export function parseManagerMap(json: unknown): ManagerMap {
  const parsed = mapSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`map file: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const map = new Map<string, MappedManager>();
  for (const [name, value] of Object.entries(parsed.data)) {
    if (typeof value === 'number' || (typeof value === 'string' && /^\d{1,15}$/.test(value)))
      map.set(name, { amojoId: '', name, userId: Number(value) });
    else if (typeof value === 'string') map.set(name, { amojoId: value, name });
    else if ('userId' in value) map.set(name, { amojoId: '', name: value.name ?? name, userId: Number(value.userId) });
    else map.set(name, { amojoId: value.amojoId, name: value.name ?? name });
  }
  return map;
}

/**
 * Fills in the amojo ids of entries that name numeric amoCRM user ids, from the account's users (`null`: the bridge
 * holds no OAuth tokens for it). Throws naming the entry when a user id cannot be resolved.
 */
export async function resolveUserIds(
  map: ManagerMap,
  users: () => Promise<readonly { readonly id: number; readonly amojoId: string; readonly name: string }[] | null>,
): Promise<ManagerMap> {
  const numeric = [...map].filter(([, m]) => m.userId !== undefined);
  if (numeric.length === 0) return map;
  const list = await users();
  const [firstName, first] = numeric[0] as [string, MappedManager];
  if (!list) {
    throw new ManagerMapError(
      `map file: "${firstName}" names amoCRM user id ${first.userId}; resolving amoCRM user ids needs the account's ` +
        "OAuth tokens (connect the bridge's amoCRM integration to the account), or give the user's amojo id instead",
    );
  }
  const byId = new Map(list.map((u) => [u.id, u]));
  const resolved = new Map(map);
  for (const [entryName, m] of numeric) {
    const user = byId.get(m.userId as number);
    if (!user) {
      throw new ManagerMapError(
        `map file: "${entryName}": amoCRM user id ${m.userId} is not a user of this account with an amojo id (GET /api/v4/users?with=amojo_id)`,
      );
    }
    resolved.set(entryName, { amojoId: user.amojoId, name: m.name });
  }
  return resolved;
}

/** Reads `--map <file>`. */
export async function readManagerMap(file: string): Promise<ManagerMap> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`map file ${file}: ${(error as Error).message}`);
  }
  return parseManagerMap(json);
}
