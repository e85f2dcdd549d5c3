import type { Selectable } from 'kysely';
import type { HooksTable } from '../database.js';
import type { ScopeId } from '../ids.js';
import type { Executor } from '../store.js';
import { type Page, type PageRequest, toPage } from './page.js';

/** Filters of {@link listHooksPage}. */
export interface ListHooksOptions extends PageRequest {
  readonly outcome?: HooksTable['outcome'] | undefined;
  readonly scopeId?: ScopeId | undefined;
}

/** Lists the hook intake log, newest first, including rejected hooks and their reason (admin API). */
export async function listHooksPage(db: Executor, options: ListHooksOptions): Promise<Page<Selectable<HooksTable>>> {
  let query = db
    .selectFrom('hooks')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  if (options.outcome !== undefined) query = query.where('outcome', '=', options.outcome);
  if (options.scopeId !== undefined) query = query.where('scope_id', '=', options.scopeId);
  return toPage(await query.execute(), options.limit);
}
