import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeSchema, renderHttpProtocolTables } from '../src/channels/http/describe-http-protocol.js';
import { httpMessageEventSchema } from '../src/channels/http/http-event-schema.js';

// The README's field tables of the http channel are generated from the zod schemas; UPDATE_HTTP_PROTOCOL_DOCS=1
// rewrites them, otherwise this test fails when they drift apart.
const README = fileURLToPath(new URL('../README.md', import.meta.url));
const START = '<!-- http-protocol:start -->\n';
const END = '<!-- http-protocol:end -->';

// The formatter pads table columns; cells are compared trimmed, separator rows by their column count.
const normalize = (markdown: string) =>
  markdown
    .trim()
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split('|')
            .map((cell) => (/^\s*-+\s*$/.test(cell) ? '---' : cell.trim()))
            .join('|')
        : line.trim(),
    )
    .join('\n');

describe('the http channel protocol in the README', () => {
  it('lists every field of every event both ways, as the schemas define them', () => {
    const text = readFileSync(README, 'utf8');
    const from = text.indexOf(START);
    const to = text.indexOf(END);
    expect(from).toBeGreaterThan(0);
    expect(to).toBeGreaterThan(from);
    const expected = `\n${renderHttpProtocolTables()}\n`;
    if (process.env.UPDATE_HTTP_PROTOCOL_DOCS) {
      writeFileSync(README, `${text.slice(0, from + START.length)}${expected}${text.slice(to)}`);
      return;
    }
    expect(normalize(text.slice(from + START.length, to))).toBe(normalize(expected));
  });

  it('marks required and optional fields from the schema', () => {
    const fields = new Map(describeSchema(httpMessageEventSchema).map((f) => [f.path, f]));
    expect(fields.get('eventId')?.required).toBe(true);
    expect(fields.get('sender.name')?.required).toBe(true);
    expect(fields.get('sender.phone')?.required).toBe(false);
    expect(fields.get('message.contact.phone')?.required).toBe(true);
    expect(fields.get('type')?.required).toBe(false);
  });
});
