import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listManagedInstances, updateChannelInstance } from '../src/channels/manage-instances.js';
import { startAlertReceiver } from './support/alert-receiver.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { createWhatsAppHarness, type WhatsAppHarness } from './support/whatsapp-harness.js';

// Channel health of a WhatsApp number: the access token is revoked in the Cloud API emulator, the next manager answer
// is refused (190, held for retry), the instance turns broken (bad_credentials) and one alert goes out; the operator
// replaces the token (`channels update --set accessToken=`), the plugin's check passes, the instance is ok at once
// and the recovery alert follows. The other number of the same account is untouched. Both engines.
describe.each(ENGINES)('channel health of a whatsapp instance (%s)', (engine) => {
  let h: WhatsAppHarness;
  let receiver: Awaited<ReturnType<typeof startAlertReceiver>>;
  beforeAll(async () => {
    receiver = await startAlertReceiver();
    h = await createWhatsAppHarness({ engine, env: { CHANNEL_ALERT_URL: receiver.url, QUEUE_POLL_INTERVAL_MS: '50' } });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => receiver?.server.close(() => resolve()));
  });

  const healthOf = async (key: string) =>
    (await listManagedInstances(h.bridge, { kind: 'whatsapp' })).find((e) => e.instance.key === key)!.health;

  it('turns broken on a revoked token and ok once the token is replaced, with one alert each way', async () => {
    const ann = h.sales.number.customer('79161112299', 'Ann');
    ann.send({ type: 'text', body: 'hello' });
    const chat = await waitFor('the chat in the sandbox', () => h.chatOf(h.sales, ann.waId));
    const fresh = h.business.revokeToken();
    await h.sendManagerMessage(chat.id, { text: 'held answer' });
    const broken = await waitFor('sales broken', async () => {
      const health = await healthOf(h.sales.instanceKey);
      return health.state === 'broken' ? health : undefined;
    });
    expect(broken.problem).toBe('bad_credentials');
    await waitFor('the broken alert', () => receiver.alerts.find((a) => a.body.to === 'broken'));
    expect((await healthOf(h.support.instanceKey)).state).not.toBe('broken');

    await updateChannelInstance(h.bridge, h.sales.instanceKey, { settings: { accessToken: fresh } });
    expect((await healthOf(h.sales.instanceKey)).state).toBe('ok');
    const recovery = await waitFor('the recovery alert', () => receiver.alerts.find((a) => a.body.to === 'ok'));
    expect(recovery.body).toMatchObject({ from: 'broken', instance: { key: h.sales.instanceKey, kind: 'whatsapp' } });
    expect(receiver.alerts.filter((a) => a.body.to === 'broken')).toHaveLength(1);
    for (const alert of receiver.alerts) expect(alert.text).not.toContain(fresh);
    expect(h.logText()).not.toContain(fresh);
  }, 180_000);
});
