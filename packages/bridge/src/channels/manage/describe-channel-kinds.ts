import type { AnyChannelPlugin, ChannelInstanceSecret } from '../channel-plugin.js';
import { type JsonSchemaNode, settingsJsonSchema } from './settings-schema.js';

/** One kind as `GET /admin/api/channel-kinds` shows it: enough for the dashboard to generate its form. */
export interface ChannelKindDescription {
  readonly kind: string;
  readonly title: string;
  readonly description: string;
  /** The settings as JSON Schema (draft 2020-12, input side; secret fields carry `writeOnly: true`). */
  readonly settings: JsonSchemaNode;
  /** Top-level settings that are secrets: write-only, never returned. */
  readonly secretSettings: readonly string[];
  /** Whether the bridge generates an instance secret and shows it once (`shown-once`), keeps it (`internal`) or not. */
  readonly instanceSecret: ChannelInstanceSecret;
}

/** Describes every plugin, in registry order. */
export function describeChannelKinds(plugins: Readonly<Record<string, AnyChannelPlugin>>): ChannelKindDescription[] {
  return Object.values(plugins).map((plugin) => ({
    kind: plugin.kind,
    title: plugin.title,
    description: plugin.description,
    settings: settingsJsonSchema(plugin),
    secretSettings: [...plugin.secretSettings],
    instanceSecret: plugin.instanceSecret,
  }));
}
