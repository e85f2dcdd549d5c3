import { z } from 'zod';
import type { AnyChannelPlugin } from '../channel-plugin.js';

/** A JSON Schema node, as far as the bridge reads it. */
export interface JsonSchemaNode {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly items?: JsonSchemaNode;
  readonly anyOf?: readonly JsonSchemaNode[];
  readonly [keyword: string]: unknown;
}

const cache = new WeakMap<AnyChannelPlugin, JsonSchemaNode>();

/**
 * The plugin's settings as JSON Schema (draft 2020-12), the INPUT side (what a person writes: defaults make fields
 * optional), secret fields marked `writeOnly`. Generated once per plugin.
 */
export function settingsJsonSchema(plugin: AnyChannelPlugin): JsonSchemaNode {
  let schema = cache.get(plugin);
  if (!schema) {
    const generated = z.toJSONSchema(plugin.settings, { io: 'input' }) as JsonSchemaNode;
    const properties = { ...(generated.properties ?? {}) };
    for (const field of plugin.secretSettings) {
      const property = properties[field];
      if (property) properties[field] = { ...property, writeOnly: true };
    }
    schema = { ...generated, properties };
    cache.set(plugin, schema);
  }
  return schema;
}

/** The first key (dotted path) of `value` the schema does not know, walking nested objects; undefined if none. */
export function unknownSetting(
  schema: JsonSchemaNode,
  value: unknown,
  path: readonly string[] = [],
): string[] | undefined {
  if (!isPlainObject(value)) return undefined;
  const node = objectNode(schema);
  if (!node?.properties) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const property = node.properties[key];
    if (!property) return [...path, key];
    const deeper = unknownSetting(property, child, [...path, key]);
    if (deeper) return deeper;
  }
  return undefined;
}

/** The schema node at a dotted path of properties, through `anyOf`; undefined when the path is unknown. */
export function schemaAt(schema: JsonSchemaNode, path: readonly string[]): JsonSchemaNode | undefined {
  let node: JsonSchemaNode | undefined = schema;
  for (const key of path) {
    node = objectNode(node)?.properties?.[key];
    if (!node) return undefined;
  }
  return node;
}

function objectNode(node: JsonSchemaNode | undefined): JsonSchemaNode | undefined {
  if (!node) return undefined;
  if (node.properties) return node;
  return node.anyOf?.find((option) => option.properties);
}

/** Whether a value is a JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
