import { failures } from './bot-api-failure.js';

/** Parameters of one call, read as the Bot API reads them (JSON, form or query; numbers may come as strings). */
export class Params {
  readonly raw: Readonly<Record<string, unknown>>;
  constructor(raw: Readonly<Record<string, unknown>>) {
    this.raw = raw;
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null && this.raw[name] !== '';
  }

  /** A required parameter; `missing` is Telegram's wording for its absence. */
  required(name: string, missing: string): unknown {
    if (!this.has(name)) throw failures.badRequest(missing);
    return this.raw[name];
  }

  string(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'object') throw failures.badRequest(`field "${name}" must be of type String`);
    return String(value);
  }

  integer(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isSafeInteger(n)) throw failures.badRequest(`field "${name}" must be of type Integer`);
    return n;
  }

  float(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) throw failures.badRequest(`field "${name}" must be of type Float`);
    return n;
  }

  boolean(name: string): boolean {
    const value = this.raw[name];
    return value === true || value === 'true' || value === 1 || value === '1';
  }

  /** A JSON-serialised parameter (arrays and objects come as JSON strings in forms). */
  json<T>(name: string): T | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw failures.badRequest(`can't parse ${name} JSON object`);
    }
  }
}
