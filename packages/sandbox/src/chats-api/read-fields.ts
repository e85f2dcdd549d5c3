import { invalidRequest } from '../errors.js';

/** A parsed JSON object from a request body. */
export type JsonObject = Record<string, unknown>;

/** Parses a verified raw body as a JSON object, or refuses it with a 400 naming the problem. */
export function parseJsonObject(raw: Buffer): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalidRequest('request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidRequest('request body must be a JSON object');
  }
  return value as JsonObject;
}

/** Reads an optional nested object; a present non-object is a 400 naming the field. */
export function optObject(obj: JsonObject, field: string, path: string): JsonObject | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(`${path} must be an object`);
  return value as JsonObject;
}

/** Reads a required nested object. */
export function reqObject(obj: JsonObject, field: string, path: string): JsonObject {
  const value = optObject(obj, field, path);
  if (!value) throw invalidRequest(`${path} is required`);
  return value;
}

/** Reads an optional string; amojo is strictly typed, so a number where a string belongs is a 400 (spec 3.0). */
export function optString(obj: JsonObject, field: string, path: string): string | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`${path} must be a string`);
  return value;
}

/** Reads a required non-empty string. */
export function reqString(obj: JsonObject, field: string, path: string): string {
  const value = optString(obj, field, path);
  if (value === undefined || value === '') throw invalidRequest(`${path} is required (non-empty string)`);
  return value;
}

/** Reads an optional integer. */
export function optInt(obj: JsonObject, field: string, path: string): number | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidRequest(`${path} must be an integer`);
  return value;
}

/** Reads a required integer. */
export function reqInt(obj: JsonObject, field: string, path: string): number {
  const value = optInt(obj, field, path);
  if (value === undefined) throw invalidRequest(`${path} is required (integer)`);
  return value;
}

/** Reads an optional boolean. */
export function optBool(obj: JsonObject, field: string, path: string): boolean | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidRequest(`${path} must be a boolean`);
  return value;
}

/** Reads an optional finite number. */
export function reqNumber(obj: JsonObject, field: string, path: string): number {
  const value = obj[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`${path} is required (number)`);
  return value;
}

// Chats API pages: up to 40 printable ASCII characters including space (spec 3.3; the Sources page says 36, 8.10).
const EXTERNAL_ID = /^[\x20-\x7e]{1,40}$/;

/** Reads an optional `source` object and checks its `external_id`. */
export function optSource(obj: JsonObject, path: string): string | undefined {
  const source = optObject(obj, 'source', path);
  if (!source) return undefined;
  const externalId = reqString(source, 'external_id', `${path}.external_id`);
  if (!EXTERNAL_ID.test(externalId)) {
    throw invalidRequest(`${path}.external_id must be 1..40 printable ASCII characters`);
  }
  return externalId;
}
