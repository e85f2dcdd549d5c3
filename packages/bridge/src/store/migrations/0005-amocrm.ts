import { type Kysely, type Migration, sql } from 'kysely';

/**
 * 0005: what the amoCRM side (OAuth install, sources, contact linking) keeps.
 * - `accounts.amocrm_account_id`: amoCRM's numeric account id; the disabled hook and the widget's JWT name the
 *   account by it, never by its amojo id.
 * - `accounts.amocrm_base_url`: the REST host the tokens belong to (`https://<referer>`), fixed at install.
 * - `accounts.oauth_state`: `none` (no tokens, connected by hand), `ok`, `needs_reinstall` (a refresh failed for
 *   good: only a new install brings tokens again), `revoked` (the integration was disabled).
 * - `channel_instances.link_contacts`: `off` | `phone` | `phone_or_email`, whether a new chat of the instance is
 *   linked to an existing amoCRM contact.
 * - `amocrm_widget_tokens`: the `jti` of every widget token (amoCRM's one-time JWT) the bridge accepted, until it
 *   expires, so a replay is refused by every process sharing the database.
 */
export function amocrmMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('accounts').addColumn('amocrm_account_id', 'bigint').execute();
      await db.schema.alterTable('accounts').addColumn('amocrm_base_url', 'text').execute();
      await db.schema
        .alterTable('accounts')
        .addColumn('oauth_state', 'text', (c) =>
          c.notNull().defaultTo('none').check(sql`oauth_state in ('none', 'ok', 'needs_reinstall', 'revoked')`),
        )
        .execute();
      await db.schema.alterTable('accounts').addColumn('oauth_error', 'text').execute();
      await db.schema.createIndex('accounts_amocrm_account').on('accounts').column('amocrm_account_id').execute();
      await db.schema
        .alterTable('channel_instances')
        .addColumn('link_contacts', 'text', (c) =>
          c.notNull().defaultTo('off').check(sql`link_contacts in ('off', 'phone', 'phone_or_email')`),
        )
        .execute();
      await db.schema
        .createTable('amocrm_widget_tokens')
        .addColumn('jti', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('amocrm_widget_tokens_expiry')
        .on('amocrm_widget_tokens')
        .column('expires_at')
        .execute();
    },
  };
}
