import { AmojoInputError } from '../errors/amojo-error.js';
import type { ChatLinkInput, ListEventsOptions, SourceCreate, SourcePatch, SourceUpdate } from '../types/rest.js';

/** Sources per add/update request (spec 5.3). */
export const MAX_SOURCES_PER_REQUEST = 50;
/** Longest `external_id` accepted (spec 8.10: the Chats API pages say 40, the Sources page says 36; see README). */
export const MAX_SOURCE_EXTERNAL_ID_LENGTH = 40;
/** Largest page of the list methods (amoCRM answers 422 above it, spec 5.5). */
export const MAX_PAGE_LIMIT = 250;

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** Throws unless `value` is a positive integer id. */
export function checkId(value: unknown, path: string): void {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new AmojoInputError(`${path} must be a positive integer id, got ${JSON.stringify(value)}`, path);
  }
}

/** Throws unless `value` is a non-empty string. */
export function checkText(value: unknown, path: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AmojoInputError(`${path} must be a non-empty string`, path);
  }
}

/** Throws unless `items` is a non-empty array of at most `max` entries. */
export function checkBatch(items: unknown, what: string, max?: number): void {
  if (!Array.isArray(items) || items.length === 0) {
    throw new AmojoInputError(`${what} must be a non-empty array`, what);
  }
  if (max !== undefined && items.length > max) {
    throw new AmojoInputError(`${what}: at most ${max} per request, got ${items.length}; split the batch`, what);
  }
}

/** Throws unless page/limit are within amoCRM's bounds. */
export function checkPaging(page: number | undefined, limit: number | undefined): void {
  if (page !== undefined) checkId(page, 'page');
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT)) {
    throw new AmojoInputError(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}, got ${limit}`, 'limit');
  }
}

function checkExternalId(value: unknown, path: string): void {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > MAX_SOURCE_EXTERNAL_ID_LENGTH ||
    !PRINTABLE_ASCII.test(value)
  ) {
    throw new AmojoInputError(
      `${path} must be 1..${MAX_SOURCE_EXTERNAL_ID_LENGTH} printable ASCII characters (space allowed), got ${JSON.stringify(value)}`,
      path,
    );
  }
}

function checkPatchFields(patch: SourcePatch, path: string): void {
  if (patch.name !== undefined) checkText(patch.name, `${path}.name`);
  if (patch.pipeline_id !== undefined) checkId(patch.pipeline_id, `${path}.pipeline_id`);
  if (patch.external_id !== undefined) checkExternalId(patch.external_id, `${path}.external_id`);
}

function checkOneDefault(items: readonly SourcePatch[], what: string): void {
  if (items.filter((s) => s.default === true).length > 1) {
    throw new AmojoInputError(`${what}: at most one source may have default: true`, what);
  }
}

/** Validates a create-sources batch: 1..50 entries, name and external_id present, unique, one default at most. */
export function checkSourcesToCreate(sources: readonly SourceCreate[]): void {
  checkBatch(sources, 'sources', MAX_SOURCES_PER_REQUEST);
  const seen = new Set<string>();
  sources.forEach((source, i) => {
    checkText(source?.name, `sources[${i}].name`);
    checkExternalId(source.external_id, `sources[${i}].external_id`);
    if (seen.has(source.external_id)) {
      throw new AmojoInputError(
        `sources[${i}].external_id "${source.external_id}" appears twice in one request`,
        `sources[${i}].external_id`,
      );
    }
    seen.add(source.external_id);
    checkPatchFields(source, `sources[${i}]`);
  });
  checkOneDefault(sources, 'sources');
}

/**
 * Validates an update-sources batch: 1..50 entries, each with an id. Whether an `external_id` differs from the
 * stored one cannot be known here (amoCRM refuses the change); only its format is checked.
 */
export function checkSourcesToUpdate(sources: readonly SourceUpdate[]): void {
  checkBatch(sources, 'sources', MAX_SOURCES_PER_REQUEST);
  sources.forEach((source, i) => {
    checkId(source?.id, `sources[${i}].id`);
    checkPatchFields(source, `sources[${i}]`);
  });
  checkOneDefault(sources, 'sources');
}

/** Validates one source patch. */
export function checkSourcePatch(patch: SourcePatch): void {
  if (!patch || typeof patch !== 'object') throw new AmojoInputError('patch must be an object', 'patch');
  checkPatchFields(patch, 'patch');
}

/** Validates chat-to-contact links: amojo chat id and contact id present. */
export function checkChatLinks(links: readonly ChatLinkInput[]): void {
  checkBatch(links, 'links');
  links.forEach((link, i) => {
    checkText(link?.chatId, `links[${i}].chatId`);
    checkId(link.contactId, `links[${i}].contactId`);
  });
}

/** Largest page of `GET /api/v4/events` (amoCRM's documented maximum). */
export const MAX_EVENTS_PAGE_LIMIT = 100;

/** Throws unless an events query has 1+ types, whole-second bounds in order and a page size of 1..100. */
export function checkEventsQuery(options: ListEventsOptions): void {
  if (!options || !Array.isArray(options.types) || options.types.length === 0) {
    throw new AmojoInputError('types must be a non-empty array of event types', 'types');
  }
  options.types.forEach((type, i) => {
    checkText(type, `types[${i}]`);
  });
  for (const name of ['createdFrom', 'createdTo'] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new AmojoInputError(`${name} must be Unix seconds (a non-negative integer), got ${value}`, name);
    }
  }
  if (options.createdFrom !== undefined && options.createdTo !== undefined && options.createdTo < options.createdFrom) {
    throw new AmojoInputError('createdTo must not be before createdFrom', 'createdTo');
  }
  if (options.page !== undefined) checkId(options.page, 'page');
  const limit = options.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS_PAGE_LIMIT)) {
    throw new AmojoInputError(`limit must be an integer from 1 to ${MAX_EVENTS_PAGE_LIMIT}, got ${limit}`, 'limit');
  }
}
