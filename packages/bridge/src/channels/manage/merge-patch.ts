import { isPlainObject } from './settings-schema.js';

/**
 * JSON Merge Patch (RFC 7386): objects merge key by key, `null` removes a key, anything else (arrays included)
 * replaces. How `PATCH /admin/api/channel-instances/:key` and `channels update --set/--unset` change settings.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
