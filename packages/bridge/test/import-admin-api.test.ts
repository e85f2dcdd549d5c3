import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, RELAY_ADMIN_TOKEN, type RelayHarness, waitFor } from './support/relay-harness.js';

// Issue 13: the import through the admin API: upload a file (multipart), poll the run's progress, read its report;
// the same file again continues (sends 0); bad input is a 400 naming the field.

const FIXTURES = fileURLToPath(new URL('./fixtures/import/', import.meta.url));
const auth = { authorization: `Bearer ${RELAY_ADMIN_TOKEN}` };

async function upload(h: RelayHarness, fields: Record<string, string>, file?: { name: string; path: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([readFileSync(file.path)]), file.name);
  const response = await fetch(`${h.bridgeUrl}/admin/api/imports`, { method: 'POST', headers: auth, body: form });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const get = async (h: RelayHarness, path: string) =>
  (await (await fetch(`${h.bridgeUrl}/admin/api${path}`, { headers: auth })).json()) as Record<string, unknown>;

describe.each(ENGINES)('import through the admin API on %s', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine, bot: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('uploads a JSON Lines file, polls it to done, reads the report; the same file again sends 0', async () => {
    const map = readFileSync(`${FIXTURES}managers.json`, 'utf8');
    const jsonl = { name: 'export.jsonl', path: `${FIXTURES}jsonl/export.jsonl` };
    const started = await upload(h, { instance: h.instanceKey, map }, jsonl);
    expect(started.status).toBe(202);
    const id = started.body.id as number;
    const done = await waitFor('the import to finish', async () => {
      const run = await get(h, `/imports/${id}`);
      return run.state === 'done' && !run.running ? run : undefined;
    });
    expect(done).toMatchObject({ total: 8, chats: 2, failed: 1 });
    // The picture's file is not in an upload of the .jsonl alone: reported as skipped, the rest sent.
    expect(done.sent).toBe(7);
    expect(done.skipped).toBe(1);
    const report = await get(h, `/imports/${id}/report`);
    const lines = report.items as { position: string; kind: string; reason: string }[];
    expect(lines.map((l) => [l.position, l.kind])).toEqual([
      ['line 7', 'error'],
      ['line 6', 'skipped'],
    ]);
    expect(lines[1]?.reason).toMatch(/media\/shop\.jpg is not in the export/);
    const chat = await h.chatOf('crm-1001');
    expect(chat && (await h.sandboxMessages(chat.id))).toHaveLength(5);

    const again = await upload(h, { instance: h.instanceKey, map }, jsonl);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(id);
    const second = await waitFor('the second run to finish', async () => {
      const run = await get(h, `/imports/${id}`);
      return !run.running ? run : undefined;
    });
    expect(second.sent).toBe(7);
    expect(second.summary).toMatch(/^ {2}sent: 0$/m);
  });

  it('answers a dry run with its summary and refuses bad input naming the field', async () => {
    const dry = await upload(
      h,
      { instance: h.instanceKey, dryRun: 'true' },
      { name: 'result.json', path: `${FIXTURES}telegram/result.json` },
    );
    expect(dry.status).toBe(200);
    expect(dry.body.summary).toMatch(/would send: 5/);
    const noFile = await upload(h, { instance: h.instanceKey });
    expect(noFile.status).toBe(400);
    expect(noFile.body.field).toBe('file');
    const badFormat = await upload(
      h,
      { instance: h.instanceKey, format: 'csv' },
      { name: 'x.jsonl', path: `${FIXTURES}jsonl/export.jsonl` },
    );
    expect(badFormat.status).toBe(400);
    expect(badFormat.body.field).toBe('format');
    const badMap = await upload(
      h,
      { instance: h.instanceKey, map: '{"Ann": true}' },
      { name: 'x.jsonl', path: `${FIXTURES}jsonl/export.jsonl` },
    );
    expect(badMap.status).toBe(400);
    expect(badMap.body.field).toBe('map');
    // A numeric amoCRM user id is a valid entry, but resolving it needs the account's OAuth tokens (none here).
    const unresolvable = await upload(
      h,
      { instance: h.instanceKey, map: '{"Ann": 5}' },
      { name: 'x.jsonl', path: `${FIXTURES}jsonl/export.jsonl` },
    );
    expect(unresolvable.status).toBe(400);
    expect(unresolvable.body.field).toBe('map');
    expect(unresolvable.body.message).toMatch(/"Ann" names amoCRM user id 5; .*OAuth tokens/);
    const unknown = await upload(
      h,
      { instance: 'http_nope' },
      { name: 'x.jsonl', path: `${FIXTURES}jsonl/export.jsonl` },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/http_nope does not exist/);
    expect((await fetch(`${h.bridgeUrl}/admin/api/imports/999999`, { headers: auth })).status).toBe(404);
  });
});
