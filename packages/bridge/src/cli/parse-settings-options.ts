import type { AnyChannelPlugin } from '../channels/channel-plugin.js';
import { type JsonSchemaNode, schemaAt, settingsJsonSchema } from '../channels/manage/settings-schema.js';

/** A bad `--set` / `--unset`: the message names the option and the setting. */
export class SettingsOptionError extends Error {
  override readonly name = 'SettingsOptionError';
}

/**
 * Turns `--set key=value` options into a settings object, typed by the plugin's JSON Schema: dotted keys reach
 * nested settings (`uploads.maxBytes=1048576`), a list takes comma-separated values or JSON (`origins=https://a,https://b`),
 * numbers and booleans are converted, `null` clears a nullable setting, an object takes JSON. `--unset key`
 * becomes `null` (removed, back to the default) for an update's merge patch.
 */
export function settingsFromOptions(
  plugin: AnyChannelPlugin,
  sets: readonly string[],
  unsets: readonly string[] = [],
): Record<string, unknown> {
  const schema = settingsJsonSchema(plugin);
  const result: Record<string, unknown> = {};
  for (const option of sets) {
    const at = option.indexOf('=');
    if (at <= 0) throw new SettingsOptionError(`--set ${option}: expected key=value`);
    const path = option.slice(0, at).trim().split('.');
    if (path.some((part) => !part)) throw new SettingsOptionError(`--set ${option}: expected key=value`);
    put(result, path, coerce(schemaAt(schema, path), option.slice(at + 1)));
  }
  for (const key of unsets) {
    const path = key.trim().split('.');
    if (path.some((part) => !part)) throw new SettingsOptionError(`--unset ${key}: expected a setting name`);
    put(result, path, null);
  }
  return result;
}

function put(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) node = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      node[part] = created;
      node = created;
    }
  }
  node[path[path.length - 1] as string] = value;
}

function typesOf(node: JsonSchemaNode | undefined): string[] {
  if (!node) return [];
  const own = typeof node.type === 'string' ? [node.type] : [...(node.type ?? [])];
  return [...own, ...(node.anyOf ?? []).flatMap(typesOf)];
}

// An unknown setting stays a string: management refuses it with a message naming it.
function coerce(node: JsonSchemaNode | undefined, raw: string): unknown {
  const types = typesOf(node);
  const text = raw.trim();
  if (text === 'null' && types.includes('null')) return null;
  if (types.includes('array')) {
    if (text.startsWith('[')) return parseJson(text) ?? raw;
    const items = node?.items ?? node?.anyOf?.find((option) => option.items)?.items;
    return text === '' ? [] : text.split(',').map((item) => coerce(items, item.trim()));
  }
  if ((types.includes('number') || types.includes('integer')) && text !== '' && Number.isFinite(Number(text))) {
    return Number(text);
  }
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if (types.includes('object') && text.startsWith('{')) return parseJson(text) ?? raw;
  return raw;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
