// Rewrites the configuration table of packages/bridge/README.md from src/config/config-schema.ts (through dist:
// run `npm run build` first). test/config-readme.test.ts fails while the README and the schema disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigTable } from '../dist/config/config-table.js';

const readme = new URL('../README.md', import.meta.url);
const before = readFileSync(readme, 'utf8');
const after = withConfigTable(before);
if (after === before) console.log('README configuration table is up to date');
else {
  writeFileSync(readme, after);
  console.log('README configuration table rewritten');
}
