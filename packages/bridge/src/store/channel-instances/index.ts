export type { ChannelInstance } from './channel-instance.js';
export { findChannelInstance, listChannelInstances, readChannelInstanceSecret } from './find-channel-instance.js';
export type { UpsertChannelInstanceInput } from './upsert-channel-instance.js';
export { upsertChannelInstance } from './upsert-channel-instance.js';
