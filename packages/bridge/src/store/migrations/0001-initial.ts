import { type Kysely, type Migration, type SqlBool, sql } from 'kysely';
import type { StoreDialect } from '../store.js';
import { addIdColumn, reference } from './column-types.js';

// Conventions (see database.ts): times are bigint milliseconds, JSON is text, booleans are 0/1 integers.
// Partial indexes keep the hot sets (queued jobs, blocking jobs of a lane) small however long `jobs` grows.

/** 0001: every table of the first release. */
export function initialMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await addIdColumn(db.schema.createTable('accounts'), dialect)
        .addColumn('scope_id', 'text', (c) => c.notNull().unique())
        .addColumn('amojo_account_id', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('subdomain', 'text')
        .addColumn('title', 'text')
        .addColumn('hook_api_version', 'text')
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('connected', 'disconnected')`))
        .addColumn('access_token_enc', 'text')
        .addColumn('refresh_token_enc', 'text')
        .addColumn('token_expires_at', 'bigint')
        .addColumn('connected_at', 'bigint')
        .addColumn('disconnected_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('accounts_channel_account_unique', ['channel_id', 'amojo_account_id'])
        .execute();

      await addIdColumn(db.schema.createTable('channel_instances'), dialect)
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('account_id', 'bigint', reference('accounts', 'set null'))
        .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('secret_enc', 'text')
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('channel_instances_account').on('channel_instances').column('account_id').execute();

      await addIdColumn(db.schema.createTable('sources'), dialect)
        .addColumn('account_id', 'bigint', (c) => reference('accounts', 'cascade')(c).notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('channel_instance_id', 'bigint', reference('channel_instances', 'set null'))
        .addColumn('name', 'text')
        .addColumn('amocrm_source_id', 'bigint')
        .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('sources_account_external_unique', ['account_id', 'external_id'])
        .execute();
      // At most one default source per account: amoCRM routes untagged chats to it (spec 5.3).
      await db.schema
        .createIndex('sources_one_default')
        .on('sources')
        .column('account_id')
        .unique()
        .where(sql<SqlBool>`is_default = 1`)
        .execute();
      await db.schema.createIndex('sources_channel_instance').on('sources').column('channel_instance_id').execute();

      await addIdColumn(db.schema.createTable('conversations'), dialect)
        .addColumn('account_id', 'bigint', (c) => reference('accounts', 'cascade')(c).notNull())
        .addColumn('channel_instance_id', 'bigint', reference('channel_instances', 'set null'))
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('amojo_chat_id', 'text')
        .addColumn('channel_chat_key', 'text')
        .addColumn('source_external_id', 'text')
        .addColumn('contact_id', 'bigint')
        .addColumn('phone', 'text')
        .addColumn('last_activity_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('conversations_conversation_id_unique', ['account_id', 'conversation_id'])
        .addUniqueConstraint('conversations_amojo_chat_unique', ['account_id', 'amojo_chat_id'])
        .addUniqueConstraint('conversations_channel_chat_unique', ['channel_instance_id', 'channel_chat_key'])
        .execute();
      await db.schema.createIndex('conversations_phone').on('conversations').columns(['account_id', 'phone']).execute();
      await db.schema.createIndex('conversations_activity').on('conversations').column('last_activity_at').execute();

      await addIdColumn(db.schema.createTable('participants'), dialect)
        .addColumn('conversation_row_id', 'bigint', (c) => reference('conversations', 'cascade')(c).notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('client', 'manager', 'bot')`))
        .addColumn('participant_id', 'text')
        .addColumn('amojo_participant_id', 'text')
        .addColumn('name', 'text')
        .addColumn('profile', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('participants_participant_unique', ['conversation_row_id', 'participant_id'])
        .addUniqueConstraint('participants_amojo_unique', ['conversation_row_id', 'amojo_participant_id'])
        .execute();

      await addIdColumn(db.schema.createTable('messages'), dialect)
        .addColumn('conversation_row_id', 'bigint', (c) => reference('conversations', 'cascade')(c).notNull())
        .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('in', 'out')`))
        .addColumn('msgid', 'text', (c) => c.notNull().unique())
        .addColumn('amojo_msgid', 'text', (c) => c.unique())
        .addColumn('channel_message_id', 'text')
        .addColumn('sender_participant_id', 'bigint', reference('participants', 'set null'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('media', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('messages_channel_message_unique', [
          'conversation_row_id',
          'direction',
          'channel_message_id',
        ])
        .execute();
      await db.schema
        .createIndex('messages_conversation')
        .on('messages')
        .columns(['conversation_row_id', 'id'])
        .execute();

      await addIdColumn(db.schema.createTable('message_statuses'), dialect)
        .addColumn('message_id', 'bigint', (c) => reference('messages', 'cascade')(c).notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error_code', 'integer')
        .addColumn('error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('message_statuses_message')
        .on('message_statuses')
        .columns(['message_id', 'id'])
        .execute();

      await addIdColumn(db.schema.createTable('jobs'), dialect)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('lane', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) =>
          c.notNull().check(sql`state in ('queued', 'running', 'done', 'dead', 'discarded')`),
        )
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // Claiming scans due queued jobs in id order ...
      await db.schema
        .createIndex('jobs_queued')
        .on('jobs')
        .columns(['run_at', 'id'])
        .where(sql<SqlBool>`state = 'queued'`)
        .execute();
      // ... and for each asks whether an earlier job of its lane still blocks it.
      await db.schema
        .createIndex('jobs_lane_blocking')
        .on('jobs')
        .columns(['lane', 'id'])
        .where(sql<SqlBool>`state in ('queued', 'running', 'dead')`)
        .execute();
      // Expired leases of crashed workers.
      await db.schema
        .createIndex('jobs_running')
        .on('jobs')
        .column('locked_until')
        .where(sql<SqlBool>`state = 'running'`)
        .execute();
      await db.schema.createIndex('jobs_state_kind').on('jobs').columns(['state', 'kind', 'id']).execute();

      await addIdColumn(db.schema.createTable('hooks'), dialect)
        .addColumn('scope_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('raw_body', 'text', (c) => c.notNull())
        .addColumn('signature_ok', 'integer', (c) => c.notNull())
        .addColumn('dedup_key', 'text', (c) => c.unique())
        .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('accepted', 'duplicate', 'rejected')`))
        .addColumn('reason', 'text')
        .addColumn('duplicate_of', 'bigint', reference('hooks', 'set null'))
        .addColumn('job_id', 'bigint', reference('jobs', 'set null'))
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('hooks_scope').on('hooks').columns(['scope_id', 'id']).execute();
      await db.schema.createIndex('hooks_outcome').on('hooks').columns(['outcome', 'id']).execute();
    },
  };
}
