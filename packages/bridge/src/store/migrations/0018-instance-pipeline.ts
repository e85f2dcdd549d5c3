import type { Kysely, Migration } from 'kysely';

/**
 * 0018: `channel_instances.amocrm_pipeline_id`, the amoCRM pipeline the instance's source sends its unsorted leads
 * to (`pipeline_id` of the source, spec 5.3); null leaves the source's pipeline to amoCRM (the account's main one).
 */
export function instancePipelineMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('channel_instances').addColumn('amocrm_pipeline_id', 'bigint').execute();
    },
  };
}
