import type { ChannelHealthRow } from '../../metrics/index.js';
import { listChannelInstances } from '../../store/channel-instances/index.js';
import type { Executor } from '../../store/store.js';
import { readChannelHealth } from './channel-health-table.js';
import { healthView } from './health-view.js';

/** Every instance's health state for `/metrics` (two reads per scrape: the instances and their health rows). */
export async function channelHealthRows(db: Executor): Promise<ChannelHealthRow[]> {
  const [instances, health] = await Promise.all([listChannelInstances(db, {}), readChannelHealth(db)]);
  return instances.map((row) => ({
    kind: row.kind,
    instance: row.key,
    state: healthView(row.enabled, health.get(row.rowId)).state,
  }));
}
