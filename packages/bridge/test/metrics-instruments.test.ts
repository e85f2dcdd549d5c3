import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics/index.js';

describe('createMetrics', () => {
  it('exposes every instrument on its own registry in Prometheus text', async () => {
    const metrics = createMetrics();
    metrics.intakeTotal.inc({ outcome: 'accepted' });
    metrics.intakeTotal.inc({ outcome: 'bad_signature' }, 2);
    metrics.amojoCalls.inc({ method: 'new_message', outcome: 'ok' });
    metrics.deliveryLatency.observe({ direction: 'inbound' }, 0.2);
    metrics.channelSends.inc({ channel: 'http', outcome: 'ok' });
    metrics.collectQueue(async () => [
      { kind: 'deliver-to-amojo', state: 'queued', count: 3, oldestAgeSeconds: 12.5 },
      { kind: 'deliver-to-channel', state: 'dead', count: 1, oldestAgeSeconds: 0 },
    ]);
    const text = await metrics.render();
    expect(text).toContain('amojo_bridge_intake_total{outcome="accepted"} 1');
    expect(text).toContain('amojo_bridge_intake_total{outcome="bad_signature"} 2');
    expect(text).toContain('amojo_bridge_amojo_calls_total{method="new_message",outcome="ok"} 1');
    expect(text).toContain('amojo_bridge_delivery_latency_seconds_bucket{le="0.25",direction="inbound"} 1');
    expect(text).toContain('amojo_bridge_channel_sends_total{channel="http",outcome="ok"} 1');
    expect(text).toContain('amojo_bridge_queue_depth{kind="deliver-to-amojo",state="queued"} 3');
    expect(text).toContain('amojo_bridge_queue_oldest_age_seconds{kind="deliver-to-amojo",state="queued"} 12.5');
    expect(text).toContain('amojo_bridge_queue_depth{kind="deliver-to-channel",state="dead"} 1');
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  it('reflects the queue as it is at each scrape, dropping kinds that emptied', async () => {
    const metrics = createMetrics();
    let rows = [{ kind: 'reconcile', state: 'queued', count: 2, oldestAgeSeconds: 1 }];
    metrics.collectQueue(async () => rows);
    expect(await metrics.render()).toContain('amojo_bridge_queue_depth{kind="reconcile",state="queued"} 2');
    rows = [];
    await new Promise((resolve) => setImmediate(resolve));
    expect(await metrics.render()).not.toContain('kind="reconcile"');
  });

  it('keeps two bridges in one process apart', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.intakeTotal.inc({ outcome: 'accepted' });
    expect(await b.render()).not.toContain('outcome="accepted"');
  });
});

describe('createLogger', () => {
  it('redacts secrets, tokens and authorization headers', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ level: 'info', destination });
    log.info({
      instance: { id: 'i1', secret: 'whsec_topsecret' },
      config: { channelSecret: 'chan-secret-value', adminToken: 'admin-token-value' },
      req: { headers: { authorization: 'Bearer admin-token-value' } },
      token: 'plain-token-value',
    });
    const out = lines.join('');
    expect(out).toContain('"id":"i1"');
    for (const secret of ['whsec_topsecret', 'chan-secret-value', 'admin-token-value', 'plain-token-value']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
  });
});
