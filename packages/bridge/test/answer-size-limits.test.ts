import { afterEach, describe, expect, it } from 'vitest';
// The SDK's test server (a relative import: tests see the workspace from source).
import { type LargeAnswerServer, startLargeAnswerServer } from '../../sdk/test/large-answer-server.js';
import { CUSTOMER_ANSWER_LIMIT_BYTES, postChannelEvent } from '../src/channels/http/post-channel-event.js';
import { GraphApi } from '../src/channels/whatsapp/graph-api.js';
import { OutboundMediaError, uploadOutboundMedia } from '../src/channels/whatsapp/upload-outbound-media.js';
import { whatsappSettingsSchema } from '../src/channels/whatsapp/whatsapp-settings.js';
import { createLogger } from '../src/log.js';
import { sendChannelHealthAlert } from '../src/pipelines/channel-health-alert.js';
import type { Job } from '../src/queue/index.js';
import { asJobId } from '../src/store/ids.js';

// Every answer the bridge reads from a server it does not control is bounded while it streams: a customer system, an
// alert endpoint, the WhatsApp Cloud API's media downloads. Each server here answers a 200 far longer than the
// bound, without a Content-Length (chunked), and counts what it managed to write before the reader hung up.

const MiB = 1024 * 1024;
const servers: LargeAnswerServer[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function endlessAnswer(bytes: number, headers: Record<string, string> = {}): Promise<LargeAnswerServer> {
  const server = await startLargeAnswerServer(bytes, {
    headers: { 'content-type': 'application/octet-stream', ...headers },
  });
  servers.push(server);
  return server;
}

describe('answers of servers the bridge does not control are read only up to a bound', () => {
  it('a customer system answering 64 MiB: the send is retried (903), reading stopped near 1 MiB', async () => {
    const server = await endlessAnswer(64 * MiB);
    const result = await postChannelEvent({ url: server.url, secret: 's'.repeat(32), eventId: 'e-1', body: {} });
    expect(result).toEqual({
      ok: false,
      errorCode: 903,
      reason: `customer system's answer is over ${CUSTOMER_ANSWER_LIMIT_BYTES} bytes`,
      retryable: true,
    });
    expect(server.written).toBeLessThan(16 * MiB);
  });

  it('an alert endpoint answering 64 MiB: the alert job is retried with the reason, reading stopped early', async () => {
    const server = await endlessAnswer(64 * MiB);
    const job = {
      id: asJobId(7),
      payload: {
        instanceKey: 'wa-1',
        kind: 'whatsapp',
        name: null,
        from: 'ok',
        to: 'broken',
        problem: 'bad_credentials',
        reason: null,
        at: 0,
      },
    } as unknown as Job<Parameters<typeof sendChannelHealthAlert>[1]['payload']>;
    await expect(
      sendChannelHealthAlert(
        { config: { alerts: { url: server.url, secret: undefined } }, log: createLogger({ level: 'silent' }) },
        job,
      ),
    ).rejects.toThrow("the alert endpoint's answer is over 65536 bytes");
    expect(server.written).toBeLessThan(16 * MiB);
  });

  it('a manager file over WhatsApp’s largest limit, sent without a length: refused for good while downloading', async () => {
    const server = await endlessAnswer(400 * MiB, { 'content-type': 'application/pdf' });
    const settings = whatsappSettingsSchema.parse({
      phoneNumberId: '100000000000001',
      businessAccountId: '100000000000002',
      accessToken: 'a'.repeat(40),
      appSecret: 'app-secret-1',
      verifyToken: 'verify-token-1',
      graphRoot: 'http://127.0.0.1:9',
    });
    const fetchFn = (input: string, init: RequestInit) => fetch(input, init);
    const error = await uploadOutboundMedia(new GraphApi(settings, fetchFn), fetchFn, [
      { type: 'document', document: { link: server.url, filename: 'big.pdf' } },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundMediaError);
    expect((error as OutboundMediaError).message).toBe('WhatsApp takes files up to 100 MB; this one is larger');
    expect((error as OutboundMediaError).retryable).toBe(false);
    expect(server.written).toBeLessThan(200 * MiB);
  });
});
