import type { ScopeId } from '../ids.js';
import type { Executor } from '../store.js';
import { type Hook, toHook } from './hook.js';

/** Lists logged hooks newest first (admin API), optionally by outcome or scope, before `beforeId` for paging. */
export async function listHooks(
  db: Executor,
  options: {
    readonly limit: number;
    readonly outcome?: 'accepted' | 'duplicate' | 'rejected' | undefined;
    readonly scopeId?: ScopeId | undefined;
    readonly beforeId?: number | undefined;
  },
): Promise<Hook[]> {
  let query = db.selectFrom('hooks').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.outcome !== undefined) query = query.where('outcome', '=', options.outcome);
  if (options.scopeId !== undefined) query = query.where('scope_id', '=', options.scopeId);
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  return (await query.execute()).map(toHook);
}

/** Finds one logged hook by id. */
export async function findHook(db: Executor, id: number): Promise<Hook | undefined> {
  const row = await db.selectFrom('hooks').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toHook(row);
}
