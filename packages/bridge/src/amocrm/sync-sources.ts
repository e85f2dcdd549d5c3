import { type AmocrmClient, AmojoApiError, type RestSource } from '@amojo-bridge/sdk';
import { BridgeError } from '../errors.js';
import type { Account } from '../store/accounts/index.js';
import { type ChannelInstance, listChannelInstances } from '../store/channel-instances/index.js';
import { deleteSource, listSources, type Source, upsertSource } from '../store/sources/index.js';
import type { AmocrmDeps } from './amocrm-deps.js';
import { restClientForAccount } from './rest-client-for-account.js';

/** amoCRM's Sources API limits (spec 5.3): per request, and active sources per integration and account. */
export const SOURCES_PER_REQUEST = 50;
export const MAX_ACTIVE_SOURCES = 100;
const EXTERNAL_ID = /^[\x20-\x7e]{1,40}$/;

/** What one sync changed in amoCRM, and what it could not do (each problem says what to do). */
export interface SourceSyncResult {
  readonly created: readonly string[];
  readonly renamed: readonly string[];
  readonly deleted: readonly string[];
  /** external_id of the account's default source after the sync. */
  readonly defaultExternalId: string | null;
  readonly problems: readonly string[];
}

/**
 * Makes the account's amoCRM sources match its channel instances (extension 2): one source per instance with
 * `external_id` = the instance key (or the external id the instance's source already has), the instance's name and
 * its pipeline when one is set (`pipelineId`: the source's unsorted leads go there); a source whose instance is gone
 * is deleted; exactly
 * one of ours is the default (kept if set, else the oldest instance's), so chats amoCRM cannot attribute land on a
 * known instance. Conversations of an instance that were created before its source existed are tagged with it, so
 * their next messages carry `source.external_id` (stage 2 of the guide's migration to multiple sources).
 * Idempotent; problems (limits, refusals) are collected, the rest still syncs.
 */
export async function syncAccountSources(deps: AmocrmDeps, account: Account): Promise<SourceSyncResult> {
  const crm = await restClientForAccount(deps, account);
  if (!crm) {
    throw new BridgeError(
      'amocrm_no_tokens',
      `Account ${account.amojoAccountId} has no working amoCRM tokens (${account.oauthState}): install the integration in the account first`,
    );
  }
  const db = deps.store.db;
  const problems: string[] = [];
  const local = await listSources(db, { accountId: account.id });
  // An instance keeps the external id of a source it already has (set at creation, e.g. `webchat-<key>`), so chats
  // tagged with it stay tagged; otherwise its source's external id is the instance key.
  const externalIdOf = new Map<number, string>();
  const instances = (await listChannelInstances(db, { accountId: account.id })).filter((instance) => {
    const externalId = local.find((s) => s.channelInstanceId === instance.rowId)?.externalId ?? instance.key;
    if (!EXTERNAL_ID.test(externalId)) {
      problems.push(
        `channel instance ${JSON.stringify(instance.key)} cannot be a source: its key must be 1..40 printable ASCII characters`,
      );
      return false;
    }
    externalIdOf.set(instance.rowId, externalId);
    return true;
  });
  const idOf = (instance: ChannelInstance): string => externalIdOf.get(instance.rowId) ?? instance.key;
  const remote = await listRemote(crm, [...new Set([...instances.map(idOf), ...local.map((s) => s.externalId)])]);
  const wantedDefault = chooseDefault(instances, local);

  const created: string[] = [];
  const missing = instances.filter((instance) => !remote.has(idOf(instance)));
  const room = MAX_ACTIVE_SOURCES - remote.size;
  if (missing.length > room) {
    problems.push(
      `amoCRM allows ${MAX_ACTIVE_SOURCES} active sources per integration and account; ${missing.length - Math.max(room, 0)} channel instance(s) got none: remove instances or sources`,
    );
  }
  const toCreate = missing.slice(0, Math.max(room, 0));
  for (let i = 0; i < toCreate.length; i += SOURCES_PER_REQUEST) {
    const batch = toCreate.slice(i, i + SOURCES_PER_REQUEST);
    try {
      const answer = await crm.createSources(
        batch.map((instance) => ({
          name: sourceName(instance),
          external_id: idOf(instance),
          ...(instance.rowId === wantedDefault?.rowId ? { default: true } : {}),
          ...(instance.pipelineId !== null ? { pipeline_id: instance.pipelineId } : {}),
          ...(deps.config.channel.code ? { origin_code: deps.config.channel.code } : {}),
        })),
      );
      for (const source of answer) {
        remote.set(source.external_id, source);
        created.push(source.external_id);
      }
    } catch (error) {
      problems.push(`creating sources ${batch.map(idOf).join(', ')} failed: ${reasonOf(error)}`);
    }
  }

  const renamed: string[] = [];
  const updates = instances.flatMap((instance) => {
    const source = remote.get(idOf(instance));
    if (!source) return [];
    const name = sourceName(instance);
    const makeDefault = instance.rowId === wantedDefault?.rowId && !source.default;
    // A pipeline set on the instance is kept on its source; none set leaves the source's pipeline as amoCRM has it.
    const movePipeline = instance.pipelineId !== null && source.pipeline_id !== instance.pipelineId;
    if (source.name === name && !makeDefault && !movePipeline) return [];
    return [
      {
        id: source.id,
        ...(source.name !== name ? { name } : {}),
        ...(makeDefault ? { default: true } : {}),
        ...(movePipeline && instance.pipelineId !== null ? { pipeline_id: instance.pipelineId } : {}),
      },
    ];
  });
  for (let i = 0; i < updates.length; i += SOURCES_PER_REQUEST) {
    const batch = updates.slice(i, i + SOURCES_PER_REQUEST);
    try {
      for (const source of await crm.updateSources(batch)) {
        remote.set(source.external_id, source);
        if (batch.find((b) => b.id === source.id && 'name' in b)) renamed.push(source.external_id);
      }
    } catch (error) {
      problems.push(`updating sources failed: ${reasonOf(error)}`);
    }
  }

  const now = deps.now().getTime();
  const deleted: string[] = [];
  const liveIds = new Set(instances.map((i) => i.rowId));
  const wanted = new Set(instances.map(idOf));
  const orphans = local.filter(
    (s) => s.channelInstanceId === null || !liveIds.has(s.channelInstanceId) || !wanted.has(s.externalId),
  );
  await deleteOrphans(crm, orphans, remote, deleted, problems);
  let defaultExternalId: string | null = null;
  await deps.store.transaction(async (trx) => {
    defaultExternalId = null; // PostgreSQL may run this transaction again after a deadlock
    for (const orphan of orphans) if (deleted.includes(orphan.externalId)) await deleteSource(trx, { id: orphan.id });
    for (const instance of instances) {
      const externalId = idOf(instance);
      const source = remote.get(externalId);
      if (!source) continue;
      const isDefault = instance.rowId === wantedDefault?.rowId;
      if (isDefault) defaultExternalId = externalId;
      await upsertSource(trx, {
        accountId: account.id,
        externalId,
        channelInstanceId: instance.rowId,
        name: source.name,
        amocrmSourceId: source.id,
        isDefault,
        now,
      });
      await trx
        .updateTable('conversations')
        .set({ source_external_id: externalId, updated_at: now })
        .where('channel_instance_id', '=', instance.rowId)
        .where('source_external_id', 'is', null)
        .execute();
    }
  });
  deps.log.info(
    { event: 'amocrm_sources_synced', accountId: account.id, created, renamed, deleted, problems },
    'amoCRM sources synced',
  );
  return { created, renamed, deleted, defaultExternalId, problems };
}

async function listRemote(crm: AmocrmClient, externalIds: readonly string[]): Promise<Map<string, RestSource>> {
  const found = new Map<string, RestSource>();
  const valid = externalIds.filter((id) => EXTERNAL_ID.test(id));
  for (let i = 0; i < valid.length; i += SOURCES_PER_REQUEST) {
    for (const source of await crm.listSources({ externalIds: valid.slice(i, i + SOURCES_PER_REQUEST) })) {
      found.set(source.external_id, source);
    }
  }
  return found;
}

// The stored default wins while its instance lives; otherwise the oldest instance (lowest id) becomes the default.
function chooseDefault(instances: readonly ChannelInstance[], local: readonly Source[]): ChannelInstance | undefined {
  const current = local.find((s) => s.isDefault);
  return instances.find((i) => i.rowId === current?.channelInstanceId) ?? instances[0];
}

async function deleteOrphans(
  crm: AmocrmClient,
  orphans: readonly Source[],
  remote: Map<string, RestSource>,
  deleted: string[],
  problems: string[],
): Promise<void> {
  for (const orphan of orphans) {
    const id = remote.get(orphan.externalId)?.id ?? orphan.amocrmSourceId;
    if (id === null || id === undefined) {
      deleted.push(orphan.externalId);
      continue;
    }
    try {
      await crm.deleteSource(id);
      deleted.push(orphan.externalId);
    } catch (error) {
      // Already gone in amoCRM (deleted there, or by an earlier attempt whose answer was lost): the end state holds.
      if (error instanceof AmojoApiError && (error.status === 404 || error.status === 400))
        deleted.push(orphan.externalId);
      else problems.push(`deleting source ${orphan.externalId} failed: ${reasonOf(error)}`);
    }
    remote.delete(orphan.externalId);
  }
}

function sourceName(instance: ChannelInstance): string {
  return (instance.name ?? instance.key).slice(0, 255);
}

function reasonOf(error: unknown): string {
  if (error instanceof AmojoApiError) return `amoCRM answered ${error.status}: ${error.description ?? error.message}`;
  return error instanceof Error ? error.message : String(error);
}
