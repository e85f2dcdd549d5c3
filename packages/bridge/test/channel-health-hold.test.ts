import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listManagedInstances, updateChannelInstance } from '../src/channels/manage-instances.js';
import { listJobs } from '../src/queue/index.js';
import { startAlertReceiver } from './support/alert-receiver.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { createWhatsAppHarness, type WhatsAppHarness } from './support/whatsapp-harness.js';

const PROBE_MS = 400;
const ADMIN_TOKEN = 'admin-token-for-the-hold-test';

// Sends to a broken number are held, not failed (pipelines/hold-for-broken-channel.ts): the access token is revoked
// in the Cloud API emulator, three answers in one chat and one in a second chat of the same number are held
// (queued, no attempt used, amoCRM shows no -1), with a manager reaction between them, while one probe per
// interval tries the messenger; the operator replaces the token, the held jobs are released at once and every
// answer and the reaction arrive once, each chat in order.
describe.each(ENGINES)('held sends of a broken whatsapp instance (%s)', (engine) => {
  let h: WhatsAppHarness;
  let receiver: Awaited<ReturnType<typeof startAlertReceiver>>;
  beforeAll(async () => {
    receiver = await startAlertReceiver();
    h = await createWhatsAppHarness({
      engine,
      env: {
        CHANNEL_ALERT_URL: receiver.url,
        QUEUE_POLL_INTERVAL_MS: '50',
        CHANNEL_HOLD_PROBE_MS: String(PROBE_MS),
        ADMIN_TOKEN,
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => receiver?.server.close(() => resolve()));
  });

  const healthOf = async (key: string) =>
    (await listManagedInstances(h.bridge, { kind: 'whatsapp' })).find((e) => e.instance.key === key)!.health;
  const deliveries = async () =>
    (await listJobs(h.bridge.store.db, { limit: 100 })).filter(
      (j) => j.kind === 'deliver-to-channel' || j.kind === 'reaction-to-channel',
    );
  const reactOn = async (chatId: string, text: string) => {
    const message = (await h.sandboxMessages(chatId)).find((m) => m.text === text)!;
    const react = await fetch(`${h.sandbox.url}/_sandbox/api/messages/${message.id}/reactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'react', emoji: '❤️' }),
    });
    expect(react.status).toBe(200);
  };
  const textsOf = (received: Record<string, unknown>[]) =>
    received.map((body) => (body.text as { body?: string } | undefined)?.body);
  const refusedSends = () => h.business.revokedTokenCalls.filter((c) => c.path.endsWith('/messages')).length;

  it('holds the answers while the token is revoked and sends them in order once it is replaced', async () => {
    const ann = h.sales.number.customer('79161112301', 'Ann');
    const bob = h.sales.number.customer('79161112302', 'Bob');
    ann.send({ type: 'text', body: 'hello from ann' });
    bob.send({ type: 'text', body: 'hello from bob' });
    const annChat = await waitFor('ann in the sandbox', () => h.chatOf(h.sales, ann.waId));
    const bobChat = await waitFor('bob in the sandbox', () => h.chatOf(h.sales, bob.waId));

    const fresh = h.business.revokeToken();
    const startedAt = Date.now();
    await h.sendManagerMessage(annChat.id, { text: 'ann 1' });
    await h.sendManagerMessage(annChat.id, { text: 'ann 2' });
    // Manager reactions go in the chats' lanes too: behind Ann's answers, and first in Bob's chat (held itself).
    await reactOn(annChat.id, 'hello from ann');
    await h.sendManagerMessage(annChat.id, { text: 'ann 3' });
    await reactOn(bobChat.id, 'hello from bob');
    await h.sendManagerMessage(bobChat.id, { text: 'bob 1' });

    const broken = await waitFor('sales broken', async () => {
      const health = await healthOf(h.sales.instanceKey);
      return health.state === 'broken' ? health : undefined;
    });
    expect(broken.problem).toBe('bad_credentials');
    await waitFor('the broken alert', () => receiver.alerts.find((a) => a.body.to === 'broken'));

    // Both chats' heads held (Ann's first answer, Bob's reaction): queued, no attempt used, the reason recorded; the
    // later ones wait behind.
    const held = await waitFor('both lane heads held', async () => {
      const jobs = (await deliveries()).filter((j) => j.heldFor !== null);
      return jobs.length === 2 ? jobs : undefined;
    });
    expect(held.map((j) => j.kind).sort()).toEqual(['deliver-to-channel', 'reaction-to-channel']);
    for (const job of held) {
      expect(job).toMatchObject({ state: 'queued', attempts: 0, heldFor: expect.stringMatching(/^channel:\d+$/) });
      expect(job.lastError).toContain('is broken (bad_credentials');
    }
    // The admin API shows them waiting (queued, held), not failed.
    const listed = (await (
      await fetch(`${h.bridgeUrl}/admin/api/jobs?state=queued`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as { items: { id: number; heldFor: string | null; attempts: number }[] };
    for (const job of held) {
      expect(listed.items.find((j) => j.id === job.id)).toMatchObject({ heldFor: job.heldFor, attempts: 0 });
    }
    // A few probe intervals go by: the messenger sees one try per interval at most, after the first send of each chat.
    await waitFor('two probes', () => refusedSends() >= 4, 60_000);
    const elapsed = Date.now() - startedAt;
    expect(refusedSends()).toBeLessThanOrEqual(2 + Math.floor(elapsed / PROBE_MS) + 1);
    const jobs = await deliveries();
    expect(jobs.filter((j) => j.state === 'dead' || j.state === 'done')).toEqual([]);
    expect(jobs.every((j) => j.attempts <= 1)).toBe(true);
    const statuses = [...(await h.sandboxMessages(annChat.id)), ...(await h.sandboxMessages(bobChat.id))]
      .filter((m) => m.text?.startsWith('ann ') || m.text?.startsWith('bob '))
      .map((m) => m.status);
    expect(statuses).toHaveLength(4);
    expect(statuses).not.toContain('error');
    expect(ann.received).toEqual([]);

    // The operator replaces the token: the check passes, the instance is ok and its held jobs are runnable now.
    await updateChannelInstance(h.bridge, h.sales.instanceKey, { settings: { accessToken: fresh } });
    const releasedBy = Date.now();
    expect((await healthOf(h.sales.instanceKey)).state).toBe('ok');
    for (const job of await deliveries()) {
      if (job.state === 'queued') expect(job).toMatchObject({ heldFor: null, runAt: expect.any(Number) });
      if (job.state === 'queued') expect(job.runAt).toBeLessThanOrEqual(releasedBy);
    }

    await waitFor('every answer at the customers', () => ann.received.length >= 4 && bob.received.length >= 2);
    await waitFor('all delivered in amoCRM', async () => {
      const messages = [...(await h.sandboxMessages(annChat.id)), ...(await h.sandboxMessages(bobChat.id))];
      const answers = messages.filter((m) => m.text?.startsWith('ann ') || m.text?.startsWith('bob '));
      return answers.length === 4 && answers.every((m) => m.status === 'delivered' || m.status === 'read');
    });
    expect(ann.received.map((body) => body.type)).toEqual(['text', 'text', 'reaction', 'text']);
    expect(textsOf(ann.received)).toEqual(['ann 1', 'ann 2', undefined, 'ann 3']);
    expect(bob.received.map((body) => body.type)).toEqual(['reaction', 'text']);
    expect(textsOf(bob.received)).toEqual([undefined, 'bob 1']);
    expect(receiver.alerts.filter((a) => a.body.to === 'broken')).toHaveLength(1);
    await waitFor('the recovery alert', () => receiver.alerts.find((a) => a.body.to === 'ok'));
    expect((await deliveries()).every((j) => j.state === 'done')).toBe(true);
    expect(h.logText()).not.toContain(fresh);
  }, 180_000);
});
