import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bridgeSettingsSchema, CONFIG_TABLE_MARKERS, listSettings, renderConfigTable } from '../src/config/index.js';

// Cells without the padding, so the comparison holds whatever the markdown formatter does to column widths.
const cellsOf = (table: string) =>
  table
    .trim()
    .split('\n')
    .filter((line) => !/^\|[\s|-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );

describe('the README configuration table', () => {
  it('is the one generated from the schema (run `npm run config-table` in packages/bridge)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf(CONFIG_TABLE_MARKERS.start);
    const end = readme.indexOf(CONFIG_TABLE_MARKERS.end);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const inReadme = readme.slice(start + CONFIG_TABLE_MARKERS.start.length, end);
    expect(cellsOf(inReadme)).toEqual(cellsOf(renderConfigTable()));
  });

  it('lists every setting once, each with a meaning, a variable and a file key', () => {
    const leaves = listSettings(bridgeSettingsSchema);
    expect(leaves.length).toBeGreaterThan(40);
    expect(new Set(leaves.map((leaf) => leaf.meta.env)).size).toBe(leaves.length);
    expect(new Set(leaves.map((leaf) => leaf.meta.key)).size).toBe(leaves.length);
    for (const leaf of leaves) expect(leaf.description, leaf.meta.env).not.toBe('');
    expect(cellsOf(renderConfigTable())).toHaveLength(leaves.length + 1);
  });
});
