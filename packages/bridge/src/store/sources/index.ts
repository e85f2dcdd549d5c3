export { deleteSource, findSource, listSources } from './find-source.js';
export type { Source } from './source.js';
export type { UpsertSourceInput } from './upsert-source.js';
export { upsertSource } from './upsert-source.js';
