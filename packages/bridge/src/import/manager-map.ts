import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * The map file: manager names as the export writes them -> amoCRM user amojo ids (`GET /api/v4/users?with=amojo_id`,
 * or the sandbox's account users). An entry may also rename the manager for amoCRM:
 * `{ "Anna (shop)": "76fc2bea-...", "Bob": { "amojoId": "1f2e...", "name": "Bob Smith" } }`.
 */
const entry = z.union([
  z.string().min(1).max(64),
  z.object({ amojoId: z.string().min(1).max(64), name: z.string().min(1).max(255).optional() }),
]);
const mapSchema = z.record(z.string().min(1).max(255), entry);

/** A manager resolved for amojo: `refId` is the user's amojo id. */
export interface MappedManager {
  readonly amojoId: string;
  readonly name: string;
}

export type ManagerMap = ReadonlyMap<string, MappedManager>;

/** Parses a map file's JSON; throws naming the entry at fault. */
export function parseManagerMap(json: unknown): ManagerMap {
  const parsed = mapSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`map file: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const map = new Map<string, MappedManager>();
  for (const [name, value] of Object.entries(parsed.data)) {
    map.set(
      name,
      typeof value === 'string' ? { amojoId: value, name } : { amojoId: value.amojoId, name: value.name ?? name },
    );
  }
  return map;
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
