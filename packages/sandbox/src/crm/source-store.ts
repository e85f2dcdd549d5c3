import type { CrmSource } from './types.js';

/** Pipeline used for sources and leads when none is given. */
export const DEFAULT_PIPELINE_ID = 1000;
/** Sources a single POST/PATCH may carry (spec 5.3). */
export const MAX_SOURCES_PER_REQUEST = 50;
/** Active sources one integration may have in one account (spec 5.3, current page; older text says 50). */
export const MAX_ACTIVE_SOURCES = 100;
/**
 * Longest accepted `external_id`. The Sources API page says 36, the Chats API pages say 40 (spec 5.3, 8.10); the
 * sandbox accepts 40 so that every id valid in hooks and messages can be created, and integrations that want to be
 * safe against the stricter page should stay within 36.
 */
export const MAX_EXTERNAL_ID_LENGTH = 40;

/** A source as stored: the contract view plus the account and the opaque `services` array. */
export interface StoredSource extends CrmSource {
  readonly accountAmojoId: string;
  readonly services: readonly unknown[];
}

/** One item-level validation error, in amoCRM's `validation-errors` shape (spec 5.5). */
export interface SourceFieldError {
  readonly code: string;
  readonly path: string;
  readonly detail: string;
}

/** A source as answered by create/update, with the echoed `request_id`. */
export type SourceWithRequestId = StoredSource & { readonly request_id: string };

/** Outcome of a batch operation; nothing is changed unless every item is valid. */
export type SourceBatchResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly kind: 'request'; readonly detail: string }
  | {
      readonly ok: false;
      readonly kind: 'validation';
      readonly errors: readonly { readonly request_id: string; readonly errors: readonly SourceFieldError[] }[];
    }
  | {
      readonly ok: false;
      readonly kind: 'not-found';
      readonly missing: readonly { readonly request_id: string; readonly id: unknown }[];
    };

/** Who is calling: an integration inside an account (from the access token). */
export interface SourceOwner {
  readonly accountAmojoId: string;
  readonly clientId: string;
}

type Draft = Record<string, unknown>;

const isObject = (value: unknown): value is Draft =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** Sources of every account, each owned by one integration (spec 5.3). */
export class SourceStore {
  readonly #sources = new Map<number, StoredSource>();
  readonly #onChange: (accountAmojoId: string) => void;
  #nextId = 100_001;

  constructor(options: { onChange: (accountAmojoId: string) => void }) {
    this.#onChange = options.onChange;
  }

  /** Every source of an account (all integrations), or of every account. */
  all(accountAmojoId?: string): readonly StoredSource[] {
    return [...this.#sources.values()].filter(
      (s) => accountAmojoId === undefined || s.accountAmojoId === accountAmojoId,
    );
  }

  /** The integration's own sources, optionally only those with one of the given external ids. */
  list(owner: SourceOwner, externalIds?: readonly string[]): readonly StoredSource[] {
    return this.#own(owner).filter((s) => externalIds === undefined || externalIds.includes(s.external_id));
  }

  /** One of the integration's own sources. */
  get(owner: SourceOwner, id: number): StoredSource | undefined {
    const source = this.#sources.get(id);
    return source && isOwnedBy(source, owner) ? source : undefined;
  }

  /** Creates sources (all or nothing): name and external_id required, external_id unique among active sources. */
  create(owner: SourceOwner, body: unknown): SourceBatchResult<readonly SourceWithRequestId[]> {
    const sizeError = checkBatch(body);
    if (sizeError) return { ok: false, kind: 'request', detail: sizeError };
    const items = body as readonly unknown[];
    const own = this.#own(owner);
    if (own.length + items.length > MAX_ACTIVE_SOURCES) {
      return {
        ok: false,
        kind: 'request',
        detail: `An integration may have at most ${MAX_ACTIVE_SOURCES} active sources; it has ${own.length} and the request adds ${items.length}`,
      };
    }
    const taken = new Set(own.map((s) => s.external_id));
    const invalid: { request_id: string; errors: SourceFieldError[] }[] = [];
    items.forEach((item, index) => {
      const requestId = requestIdOf(item, index);
      const errors = validateFields(item, 'create');
      if (isObject(item) && typeof item.external_id === 'string' && errors.every((e) => e.path !== 'external_id')) {
        if (taken.has(item.external_id)) {
          errors.push({
            code: 'NotUnique',
            path: 'external_id',
            detail: `A source with external_id "${item.external_id}" already exists for this integration`,
          });
        }
        taken.add(item.external_id);
      }
      if (errors.length > 0) invalid.push({ request_id: requestId, errors });
    });
    if (invalid.length > 0) return { ok: false, kind: 'validation', errors: invalid };

    const created = items.map((raw, index) => {
      const item = raw as Draft;
      const source: StoredSource = {
        id: this.#nextId++,
        accountAmojoId: owner.accountAmojoId,
        clientId: owner.clientId,
        name: item.name as string,
        external_id: item.external_id as string,
        default: item.default === true,
        pipeline_id: (item.pipeline_id as number | undefined) ?? DEFAULT_PIPELINE_ID,
        origin_code: (item.origin_code as string | null | undefined) ?? null,
        services: (item.services as unknown[] | undefined) ?? [],
      };
      if (source.default) this.#clearDefault(owner);
      this.#sources.set(source.id, source);
      return { ...source, request_id: requestIdOf(raw, index) };
    });
    this.#onChange(owner.accountAmojoId);
    return { ok: true, value: created };
  }

  /** Updates own sources by id (all or nothing); `external_id` may be repeated but never changed. */
  update(owner: SourceOwner, body: unknown): SourceBatchResult<readonly SourceWithRequestId[]> {
    const sizeError = checkBatch(body);
    if (sizeError) return { ok: false, kind: 'request', detail: sizeError };
    const items = body as readonly unknown[];
    const invalid: { request_id: string; errors: SourceFieldError[] }[] = [];
    const missing: { request_id: string; id: unknown }[] = [];
    items.forEach((item, index) => {
      const requestId = requestIdOf(item, index);
      const errors = validateFields(item, 'update');
      if (isObject(item)) {
        if (!Number.isInteger(item.id)) {
          errors.push({ code: 'FieldMissing', path: 'id', detail: 'id (integer) is required to update a source' });
        } else {
          const existing = this.get(owner, item.id as number);
          if (!existing) missing.push({ request_id: requestId, id: item.id });
          else if (item.external_id !== undefined && item.external_id !== existing.external_id) {
            errors.push({ code: 'FieldNotEditable', path: 'external_id', detail: 'external_id cannot be changed' });
          }
        }
      }
      if (errors.length > 0) invalid.push({ request_id: requestId, errors });
    });
    if (invalid.length > 0) return { ok: false, kind: 'validation', errors: invalid };
    if (missing.length > 0) return { ok: false, kind: 'not-found', missing };

    const updated = items.map((raw, index) => {
      const item = raw as Draft;
      const existing = this.#sources.get(item.id as number)!;
      const next: StoredSource = {
        ...existing,
        ...(item.name !== undefined ? { name: item.name as string } : {}),
        ...(item.pipeline_id !== undefined ? { pipeline_id: item.pipeline_id as number } : {}),
        ...(item.origin_code !== undefined ? { origin_code: item.origin_code as string | null } : {}),
        ...(item.services !== undefined ? { services: item.services as unknown[] } : {}),
        ...(item.default !== undefined ? { default: item.default as boolean } : {}),
      };
      if (next.default && !existing.default) this.#clearDefault(owner);
      this.#sources.set(next.id, next);
      return { ...next, request_id: requestIdOf(raw, index) };
    });
    this.#onChange(owner.accountAmojoId);
    return { ok: true, value: updated };
  }

  /** Deletes own sources by id (all or nothing); deleting the default leaves the integration without one. */
  delete(owner: SourceOwner, body: unknown): SourceBatchResult<number> {
    if (!Array.isArray(body) || body.length === 0) {
      return { ok: false, kind: 'request', detail: 'Request body must be a non-empty array of {id}' };
    }
    const missing: { request_id: string; id: unknown }[] = [];
    const ids: number[] = [];
    body.forEach((item: unknown, index) => {
      const id = isObject(item) ? item.id : undefined;
      if (!Number.isInteger(id) || !this.get(owner, id as number)) missing.push({ request_id: String(index), id });
      else ids.push(id as number);
    });
    if (missing.length > 0) return { ok: false, kind: 'not-found', missing };
    for (const id of ids) this.#sources.delete(id);
    this.#onChange(owner.accountAmojoId);
    return { ok: true, value: ids.length };
  }

  /** Adds a source outside the API (the auto-created source of an integration without "Multiple sources"). */
  ensure(owner: SourceOwner, input: { name: string; externalId: string; default: boolean }): StoredSource {
    const existing = this.#own(owner).find((s) => s.external_id === input.externalId);
    if (existing) return existing;
    if (input.default) this.#clearDefault(owner);
    const source: StoredSource = {
      id: this.#nextId++,
      accountAmojoId: owner.accountAmojoId,
      clientId: owner.clientId,
      name: input.name,
      external_id: input.externalId,
      default: input.default,
      pipeline_id: DEFAULT_PIPELINE_ID,
      origin_code: null,
      services: [],
    };
    this.#sources.set(source.id, source);
    this.#onChange(owner.accountAmojoId);
    return source;
  }

  /** Every source and the next id, for persisting. */
  exportData(): { readonly sources: readonly StoredSource[]; readonly nextId: number } {
    return { sources: [...this.#sources.values()], nextId: this.#nextId };
  }

  /** Replaces every source with persisted ones. */
  importData(data: { readonly sources: readonly StoredSource[]; readonly nextId: number }): void {
    this.#sources.clear();
    for (const source of data.sources) this.#sources.set(source.id, source);
    this.#nextId = data.nextId;
  }

  #own(owner: SourceOwner): StoredSource[] {
    return [...this.#sources.values()].filter((s) => isOwnedBy(s, owner));
  }

  #clearDefault(owner: SourceOwner): void {
    for (const source of this.#own(owner)) {
      if (source.default) this.#sources.set(source.id, { ...source, default: false });
    }
  }
}

function isOwnedBy(source: StoredSource, owner: SourceOwner): boolean {
  return source.accountAmojoId === owner.accountAmojoId && source.clientId === owner.clientId;
}

function checkBatch(body: unknown): string | undefined {
  if (!Array.isArray(body) || body.length === 0) return 'Request body must be a non-empty array of sources';
  if (body.length > MAX_SOURCES_PER_REQUEST) {
    return `At most ${MAX_SOURCES_PER_REQUEST} sources per request; got ${body.length}`;
  }
  return undefined;
}

function requestIdOf(item: unknown, index: number): string {
  return isObject(item) && typeof item.request_id === 'string' ? item.request_id : String(index);
}

function validateFields(item: unknown, mode: 'create' | 'update'): SourceFieldError[] {
  if (!isObject(item)) return [{ code: 'InvalidType', path: '', detail: 'Each source must be a JSON object' }];
  const errors: SourceFieldError[] = [];
  const invalidType = (path: string, expected: string) =>
    errors.push({ code: 'InvalidType', path, detail: `${path} must be ${expected}` });
  if (item.name === undefined) {
    if (mode === 'create') errors.push({ code: 'FieldMissing', path: 'name', detail: 'name is required' });
  } else if (typeof item.name !== 'string' || item.name.trim() === '') invalidType('name', 'a non-empty string');
  if (item.external_id === undefined) {
    if (mode === 'create')
      errors.push({ code: 'FieldMissing', path: 'external_id', detail: 'external_id is required' });
  } else if (typeof item.external_id !== 'string' || item.external_id === '') {
    invalidType('external_id', 'a non-empty string');
  } else if (item.external_id.length > MAX_EXTERNAL_ID_LENGTH) {
    errors.push({
      code: 'InvalidLength',
      path: 'external_id',
      detail: `external_id must be at most ${MAX_EXTERNAL_ID_LENGTH} characters`,
    });
  } else if (!PRINTABLE_ASCII.test(item.external_id)) {
    errors.push({
      code: 'InvalidCharacters',
      path: 'external_id',
      detail: 'external_id may contain only printable ASCII characters and spaces',
    });
  }
  if (item.pipeline_id !== undefined && !(Number.isInteger(item.pipeline_id) && (item.pipeline_id as number) > 0)) {
    invalidType('pipeline_id', 'a positive integer');
  }
  if (item.default !== undefined && typeof item.default !== 'boolean') invalidType('default', 'a boolean');
  if (item.origin_code !== undefined && item.origin_code !== null && typeof item.origin_code !== 'string') {
    invalidType('origin_code', 'a string or null');
  }
  if (item.services !== undefined && !Array.isArray(item.services)) invalidType('services', 'an array');
  if (item.request_id !== undefined && typeof item.request_id !== 'string') invalidType('request_id', 'a string');
  return errors;
}
