import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { channelPlugins } from './channel-plugins.js';

const channelsDir = fileURLToPath(new URL('.', import.meta.url));
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : /\.tsx?$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );

describe('the channel plugin registry', () => {
  it('keys each plugin by its own kind, with a representable schema and existing secret fields', () => {
    for (const [key, plugin] of Object.entries(channelPlugins)) {
      expect(plugin.kind).toBe(key);
      expect(plugin.kind).toMatch(/^[a-z][a-z0-9-]{0,31}$/);
      const schema = z.toJSONSchema(plugin.settings, { io: 'input' }) as { properties?: Record<string, unknown> };
      for (const field of plugin.secretSettings) expect(Object.keys(schema.properties ?? {})).toContain(field);
      expect(['none', 'internal', 'shown-once']).toContain(plugin.instanceSecret);
    }
  });

  it('keeps the channels independent of the pipelines, and create-bridge free of kinds', () => {
    const importers = sourceFiles(channelsDir).filter((file) =>
      /from '(\.\.\/)+pipelines\//.test(readFileSync(file, 'utf8')),
    );
    expect(importers).toEqual([]);
    const createBridge = readFileSync(join(channelsDir, '..', 'service', 'create-bridge.ts'), 'utf8');
    // (`'http'` is also the HTTP server's log component there, so look for what naming a channel would take.)
    for (const kind of Object.keys(channelPlugins)) {
      expect(createBridge).not.toMatch(new RegExp(`kind: ['"\`]${kind}|channels/${kind}/|${kind}ChannelPlugin`));
    }
    expect(createBridge).not.toMatch(/webchat/i);
  });
});
