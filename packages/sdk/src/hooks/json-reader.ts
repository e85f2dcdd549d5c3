import { AmojoInputError } from '../errors/amojo-error.js';

/**
 * Reads a received JSON object field by field. Required fields must be present with the right type; optional ones
 * may be absent or `null` (amojo says optional fields may be missing, spec 4.1) but, when present, must have the right
 * type. Every error is an {@link AmojoInputError} whose `path` is the JSON path of the field, e.g. `message.message.id`.
 */
export class JsonReader {
  readonly path: string;
  readonly value: Readonly<Record<string, unknown>>;

  constructor(value: unknown, path: string) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new AmojoInputError(`hook body: ${path || 'the body'} must be a JSON object, got ${kind(value)}`, path);
    }
    this.value = value as Record<string, unknown>;
    this.path = path;
  }

  /** JSON path of `key` below this object. */
  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  /** True when `key` holds something other than undefined/null. */
  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  private fail(key: string, expected: string): never {
    const value = this.value[key];
    const what = value === undefined || value === null ? 'it is missing' : `got ${kind(value)}`;
    throw new AmojoInputError(`hook body: ${this.at(key)} must be ${expected}, ${what}`, this.at(key));
  }

  /** A required nested object. */
  obj(key: string): JsonReader {
    if (!this.has(key)) this.fail(key, 'an object');
    return new JsonReader(this.value[key], this.at(key));
  }

  /** An optional nested object. */
  optObj(key: string): JsonReader | undefined {
    return this.has(key) ? this.obj(key) : undefined;
  }

  /** A required string; non-empty unless `allowEmpty`. */
  str(key: string, allowEmpty = false): string {
    const value = this.value[key];
    if (typeof value !== 'string' || (!allowEmpty && value === '')) {
      this.fail(key, allowEmpty ? 'a string' : 'a non-empty string');
    }
    return value;
  }

  /** An optional string (may be empty). */
  optStr(key: string): string | undefined {
    return this.has(key) ? this.str(key, true) : undefined;
  }

  /** A required finite number. */
  num(key: string): number {
    const value = this.value[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(key, 'a number');
    return value;
  }

  /** An optional finite number. */
  optNum(key: string): number | undefined {
    return this.has(key) ? this.num(key) : undefined;
  }

  /** An optional array, each element read by `read` with its indexed path. */
  optArr<T>(key: string, read: (item: unknown, path: string) => T): T[] | undefined {
    if (!this.has(key)) return undefined;
    const value = this.value[key];
    if (!Array.isArray(value)) this.fail(key, 'an array');
    return value.map((item, i) => read(item, `${this.at(key)}[${i}]`));
  }

  /** A required array. */
  arr<T>(key: string, read: (item: unknown, path: string) => T): T[] {
    const items = this.optArr(key, read);
    if (items === undefined) this.fail(key, 'an array');
    return items;
  }
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return `a ${typeof value}`;
}
