// Issue 9 part 4: a dead job can be discarded (admin API and CLI); the conversation's next job then runs, and a
// discarded manager message shows as failed in amoCRM with a reason (delivery_status -1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/index.js';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, RELAY_ADMIN_TOKEN, type RelayHarness, waitFor } from './support/relay-harness.js';

/** A manager message whose delivery the customer system keeps refusing, exhausted: its job is dead. */
async function deadManagerMessage(h: RelayHarness, chatKey: string, text: string) {
  await h.sendCustomerText(chatKey, 'hello');
  const chat = await waitFor('the chat', () => h.chatOf(chatKey));
  h.customer.behaviour.failFirstAttempts = 1_000_000;
  const sent = await h.sendManagerMessage(chat.id, { text });
  expect(sent.status).toBe(200);
  const job = await waitFor('a failed attempt', () =>
    h.bridge.store.db
      .selectFrom('jobs')
      .select(['id', 'lane'])
      .where('kind', '=', 'deliver-to-channel')
      .where('last_error', 'is not', null)
      .where('state', '=', 'queued')
      .orderBy('id', 'desc')
      .executeTakeFirst(),
  );
  // What 30 attempts with backoff would end in, without waiting for them.
  await h.bridge.store.db.updateTable('jobs').set({ state: 'dead' }).where('id', '=', job.id).execute();
  const amojoMsgId =
    (sent.body as { message?: { id?: string }; id?: string }).message?.id ?? (sent.body as { id?: string }).id;
  return { chat, job, amojoMsgId: String(amojoMsgId) };
}

describe.each(ENGINES)('discarding a dead job (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('POST /admin/api/jobs/:id/discard unblocks the conversation and reports the message failed with a reason', async () => {
    const { chat, job } = await deadManagerMessage(h, 'discard-chat', 'never delivered');
    const behind = await h.sendManagerMessage(chat.id, { text: 'queued behind it' });
    expect(behind.status).toBe(200);
    h.customer.behaviour.failFirstAttempts = 0;

    const admin = (path: string, body?: unknown) =>
      fetch(`${h.bridge.url}/admin/api${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${RELAY_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
    const discarded = await admin(`/jobs/${job.id}/discard`, { reason: 'customer system retired' });
    expect(discarded.status).toBe(200);
    expect(await discarded.json()).toMatchObject({ job: { id: job.id, state: 'discarded' } });
    // Only dead jobs: a second discard is a 409, an unknown id a 404.
    expect((await admin(`/jobs/${job.id}/discard`)).status).toBe(409);
    expect((await admin('/jobs/999999/discard')).status).toBe(404);

    await waitFor('the next message delivered', () =>
      h.customer.acceptedMessages().find((e) => (e.body.message as { text?: string }).text === 'queued behind it'),
    );
    const failed = await waitFor('the discarded message failed in amoCRM', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.text === 'never delivered' && m.status === 'error'),
    );
    expect(failed.error?.text).toMatch(/discarded/);
    expect(failed.error?.text).toMatch(/customer system retired/);
    expect(
      h.customer.acceptedMessages().some((e) => (e.body.message as { text?: string }).text === 'never delivered'),
    ).toBe(false);
  });

  it('amojo-bridge jobs discard <id> does the same from the command line', async () => {
    const { chat, job } = await deadManagerMessage(h, 'discard-cli-chat', 'given up from the CLI');
    h.customer.behaviour.failFirstAttempts = 0;
    const out: string[] = [];
    const err: string[] = [];
    const env = {
      AMOJO_CHANNEL_ID: h.bridge.config.channel.id,
      AMOJO_CHANNEL_SECRET: h.bridge.config.channel.secret,
      DATABASE_URL: h.bridge.config.databaseUrl,
      AMOJO_BASE_URL: h.sandbox.url,
      LOG_LEVEL: 'warn',
    };
    const code = await runCli(['jobs', 'discard', String(job.id)], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env,
    });
    expect({ code, err: err.join('') }).toEqual({ code: 0, err: '' });
    expect(out.join('')).toMatch(new RegExp(`job ${job.id} discarded`));
    const again = await runCli(['jobs', 'discard', String(job.id)], {
      stdout: () => undefined,
      stderr: (t) => err.push(t),
      env,
    });
    expect(again).toBe(1);
    expect(err.join('')).toMatch(/only dead jobs/);
    h.bridge.store.jobSignal.emit();
    await waitFor('the discarded message failed in amoCRM', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.text === 'given up from the CLI' && m.status === 'error'),
    );
  });
});
