import type { Migration } from 'kysely';
import type { StoreDialect } from '../store.js';
import { initialMigration } from './0001-initial.js';
import { webchatMigration } from './0002-webchat.js';
import { hookReferencesMigration } from './0003-hook-references.js';
import { amocrmMigration } from './0005-amocrm.js';
import { amocrmTokensSavedAtMigration } from './0005-amocrm-tokens-saved-at.js';
import { scopedDedupAndWriteProbeMigration } from './0006-scoped-dedup-and-write-probe.js';
import { outboundRecoveryMigration } from './0007-outbound-recovery.js';
import { queueLaneHeadsMigration } from './0008-queue-lane-heads.js';
import { importMigration } from './0010-import.js';
import { channelEventsAndTelegramFilesMigration } from './0011-channel-events-and-telegram-files.js';
import { whatsappWindowsMigration } from './0012-whatsapp-windows.js';
import { writeFirstKeyMigration } from './0014-write-first-key.js';
import { channelHealthMigration } from './0015-channel-health.js';
import { heldJobsMigration } from './0016-held-jobs.js';
import { instancePipelineMigration } from './0018-instance-pipeline.js';
import { messageChannelIdIndexMigration } from './0019-message-channel-id-index.js';

/**
 * Every migration, by name, in order. Static (no folder reading at run time) so bundles and `dist` work alike;
 * forward-only: a released migration is never edited, a change is a new numbered file.
 */
export function listMigrations(dialect: StoreDialect): Readonly<Record<string, Migration>> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-webchat': webchatMigration(dialect),
    '0003-hook-references': hookReferencesMigration(),
    '0005-amocrm': amocrmMigration(),
    // Sorts after '0005-amocrm' (a prefix sorts first) and before any 0006.
    '0005-amocrm-tokens-saved-at': amocrmTokensSavedAtMigration(),
    '0006-scoped-dedup-and-write-probe': scopedDedupAndWriteProbeMigration(),
    '0007-outbound-recovery': outboundRecoveryMigration(),
    '0008-queue-lane-heads': queueLaneHeadsMigration(),
    '0010-import': importMigration(dialect),
    '0011-channel-events-and-telegram-files': channelEventsAndTelegramFilesMigration(dialect),
    '0012-whatsapp-windows': whatsappWindowsMigration(dialect),
    '0014-write-first-key': writeFirstKeyMigration(),
    '0015-channel-health': channelHealthMigration(),
    '0016-held-jobs': heldJobsMigration(),
    '0018-instance-pipeline': instancePipelineMigration(),
    '0019-message-channel-id-index': messageChannelIdIndexMigration(),
  };
}
