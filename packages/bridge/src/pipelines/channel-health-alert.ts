import { createHmac } from 'node:crypto';
import { type Fetch, fetchTransport, ResponseTooLargeError, sharedNodeTransport } from '@amojo-bridge/sdk';
import type { ChannelHealthChange } from '../channels/health/index.js';
import type { BridgeConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Job } from '../queue/index.js';
import { RetryableJobError } from './relay-errors.js';

/**
 * What {@link sendChannelHealthAlert} uses: `CHANNEL_ALERT_URL` and `CHANNEL_ALERT_SECRET`, the log, and the `fetch`
 * to POST with (by default the SDK's node:http transport).
 */
export interface ChannelHealthAlertDeps {
  readonly config: Pick<BridgeConfig, 'alerts'>;
  readonly log: Logger;
  readonly fetch?: Fetch;
}

/** How long the alert endpoint may take to answer, and the most of its answer read (only its status matters). */
const ALERT_TIMEOUT_MS = 10_000;
const ALERT_ANSWER_LIMIT_BYTES = 64 * 1024;

/** What the operator's endpoint receives (JSON), one per alert; `id` is stable across retries. */
export interface ChannelHealthAlertBody {
  readonly type: 'channel_health_changed';
  /** `health-<job id>`: the same on every retry of one alert, so the receiver can deduplicate. */
  readonly id: string;
  readonly instance: { readonly key: string; readonly kind: string; readonly name: string | null };
  readonly from: ChannelHealthChange['from'];
  readonly to: ChannelHealthChange['to'];
  readonly problem: ChannelHealthChange['problem'];
  readonly reason: string | null;
  /** ISO 8601 time of the change. */
  readonly at: string;
  /** One line for a chat message ("... is broken: bad_credentials (...)"). */
  readonly text: string;
}

/**
 * Runs one `channel-health-alert` job: POSTs the change to `CHANNEL_ALERT_URL` (JSON, signed with
 * `X-Amojo-Bridge-Signature: sha256=<hex HMAC-SHA256 of the body>` when `CHANNEL_ALERT_SECRET` is set). Anything but
 * a 2xx is retried by the queue with backoff (up to 25 attempts). Without a URL the alert was only logged (when the
 * state changed) and the job ends. The body carries no setting and no secret; neither the URL nor the secret is
 * logged or written into the job's error.
 */
export async function sendChannelHealthAlert(
  deps: ChannelHealthAlertDeps,
  job: Job<ChannelHealthChange>,
): Promise<void> {
  const { url, secret } = deps.config.alerts;
  const change = job.payload;
  if (!url) return;
  const body: ChannelHealthAlertBody = {
    type: 'channel_health_changed',
    id: `health-${job.id}`,
    instance: { key: change.instanceKey, kind: change.kind, name: change.name },
    from: change.from,
    to: change.to,
    problem: change.problem,
    reason: change.reason,
    at: new Date(change.at).toISOString(),
    text: alertText(change),
  };
  const text = JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'amojo-bridge',
    'x-amojo-bridge-event-id': body.id,
  };
  if (secret) headers['x-amojo-bridge-signature'] = `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;
  const send = deps.fetch ? fetchTransport(deps.fetch) : sharedNodeTransport();
  let status: number;
  try {
    const response = await send({
      method: 'POST',
      url,
      headers,
      body: text,
      timeoutMs: ALERT_TIMEOUT_MS,
      maxResponseBytes: ALERT_ANSWER_LIMIT_BYTES,
    });
    status = response.status;
  } catch (error) {
    if (error instanceof ResponseTooLargeError) {
      throw new RetryableJobError(`the alert endpoint's answer is over ${error.limitBytes} bytes`);
    }
    // Never the URL: it may carry a token of the operator's chat service.
    const e = error as { code?: unknown; name?: unknown; cause?: { code?: unknown } };
    const code = e.cause?.code ?? e.code;
    const why = typeof code === 'string' ? code : typeof e.name === 'string' ? e.name : 'error';
    throw new RetryableJobError(`the alert endpoint is unreachable (${why})`);
  }
  if (status < 200 || status >= 300) throw new RetryableJobError(`the alert endpoint answered HTTP ${status}`);
  deps.log.info(
    { event: 'channel_health_alert_sent', instanceId: change.instanceKey, to: change.to, alertId: body.id },
    'channel health alert sent',
  );
}

function alertText(change: ChannelHealthChange): string {
  const who = `${change.kind} channel "${change.name ?? change.instanceKey}" (${change.instanceKey})`;
  if (change.to === 'ok') return `${who} recovered`;
  return `${who} is ${change.to}: ${change.problem ?? 'failing'}${change.reason ? ` (${change.reason})` : ''}`;
}
