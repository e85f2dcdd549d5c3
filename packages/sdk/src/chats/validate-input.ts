import { AmojoInputError } from '../errors/amojo-error.js';

// Ids that go into a URL path are signed as the raw path (spec 2.2); percent-encoding would make the signed path and
// the received path differ (spec 8.8), so only characters that never need encoding are allowed.
const PATH_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/** Throws an {@link AmojoInputError} for `path` unless `value` is a non-empty string. */
export function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new AmojoInputError(`${path} must be a non-empty string, got ${describe(value)}`, path);
  }
  return value;
}

/** Like {@link requireString}, but `undefined` passes through. */
export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : requireString(value, path);
}

/** A string that may be empty (captions, delivery error text), or `undefined`. */
export function optionalText(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new AmojoInputError(`${path} must be a string, got ${describe(value)}`, path);
  return value;
}

/** Throws unless `value` is an id usable verbatim as a URL path segment. */
export function requirePathSegment(value: unknown, path: string): string {
  const s = requireString(value, path);
  if (!PATH_SEGMENT.test(s)) {
    throw new AmojoInputError(
      `${path} must contain only letters, digits and . _ ~ - (it goes into the signed URL path), got ${JSON.stringify(s)}`,
      path,
    );
  }
  return s;
}

/** Throws unless `value` is a non-negative safe integer (amojo is strictly typed: ints are JSON numbers, spec 3.0). */
export function requireInt(value: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new AmojoInputError(`${path} must be an integer in [${min}, ${max}], got ${describe(value)}`, path);
  }
  return value;
}

/** Like {@link requireInt}, but `undefined` passes through. */
export function optionalInt(value: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  return value === undefined ? undefined : requireInt(value, path, min, max);
}

/** Throws unless `value` is `true`, `false` or `undefined`. */
export function optionalBool(value: unknown, path: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new AmojoInputError(`${path} must be a boolean, got ${describe(value)}`, path);
}

/** Throws unless `value` is a finite number within [min, max]. */
export function requireNumber(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new AmojoInputError(`${path} must be a number in [${min}, ${max}], got ${describe(value)}`, path);
  }
  return value;
}

/** Throws unless `value` is an absolute http(s) URL (amoCRM downloads media and avatars from it). */
export function requireUrl(value: unknown, path: string): string {
  const s = requireString(value, path);
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new AmojoInputError(`${path} must be an absolute http(s) URL, got ${JSON.stringify(s)}`, path);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AmojoInputError(`${path} must be an http(s) URL, got the ${url.protocol} scheme`, path);
  }
  return s;
}

/** Like {@link requireUrl}, but `undefined` passes through. */
export function optionalUrl(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : requireUrl(value, path);
}

/** Throws unless `value` is a plain object (not null, not an array). */
export function requireObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AmojoInputError(`${path} must be an object, got ${describe(value)}`, path);
  }
  return value as Record<string, unknown>;
}

/** Throws unless `value` is one of `allowed`. */
export function requireOneOf<T extends string | number>(value: unknown, allowed: readonly T[], path: string): T {
  if (!allowed.includes(value as T)) {
    throw new AmojoInputError(
      `${path} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(value)}`,
      path,
    );
  }
  return value as T;
}

// Source external_id: "up to 40 printable ASCII chars incl. space" (spec 1.2, 3.3).
const EXTERNAL_ID = /^[\x20-\x7e]{1,40}$/;

/** Throws unless `value` is a valid source `external_id` (1-40 printable ASCII characters, spec 3.3). */
export function optionalSourceExternalId(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  const s = requireString(value, path);
  if (!EXTERNAL_ID.test(s)) {
    throw new AmojoInputError(
      `${path} must be 1-40 printable ASCII characters (spec 3.3), got ${JSON.stringify(s)}`,
      path,
    );
  }
  return s;
}

/** A short description of a bad value for error messages (never the whole value: it may be large or private). */
function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  if (typeof value === 'number') return String(value);
  return `a ${typeof value}`;
}

/**
 * `{ [key]: value }`, or `{}` when `value` is undefined: spread it into a body literal so optional fields are left
 * out (not sent as null) while the key order, which decides the exact body bytes, stays as written.
 */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
