import type { Kysely, Migration } from 'kysely';

/**
 * 0005 (second step, after `0005-amocrm`, which is already on main and so never edited): `accounts.tokens_saved_at`,
 * when the current token pair was saved. A refresh request that carries a pair saved less than 30 s ago is answered
 * with that pair instead of rotating it again (see `amocrm/serialise-token-refreshes.ts`: the SDK reads the pair
 * twice before it refreshes, so a request can carry the new refresh token right after another process rotated it).
 */
export function amocrmTokensSavedAtMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('accounts').addColumn('tokens_saved_at', 'bigint').execute();
    },
  };
}
