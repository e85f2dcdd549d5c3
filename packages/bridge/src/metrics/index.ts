import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Outcomes of one amojo hook arriving at the intake. */
export type IntakeOutcome = 'accepted' | 'duplicate' | 'rejected' | 'bad_signature' | 'unknown_scope' | 'too_large';

/** Outcomes of one amojo API call. */
export type AmojoCallOutcome = 'ok' | 'error' | 'retried';

/** Which way a message travelled: inbound is customer -> amoCRM, outbound is manager -> customer. */
export type DeliveryDirection = 'inbound' | 'outbound';

/** One row of queue statistics as the scrape-time collector needs it (one job kind in one state). */
export interface QueueStatRow {
  readonly kind: string;
  readonly state: string;
  readonly count: number;
  /** Seconds since the oldest job in this kind/state became runnable; 0 when there is none. */
  readonly oldestAgeSeconds: number;
}

/** One channel instance's health as the scrape-time collector needs it. */
export interface ChannelHealthRow {
  readonly kind: string;
  readonly instance: string;
  /** `ok`, `degraded`, `broken`, `unknown` or `disabled` (`channels/health/`). */
  readonly state: string;
}

/** Reads every instance's health; called on every scrape. */
export type ChannelHealthReader = () => Promise<readonly ChannelHealthRow[]>;

/** The states the health gauge has a series for, per instance (1 for the current one, 0 for the others). */
export const CHANNEL_HEALTH_STATES = ['ok', 'degraded', 'broken', 'unknown', 'disabled'] as const;

/** Reads current queue statistics; called on every scrape. */
export type QueueStatsReader = () => Promise<readonly QueueStatRow[]>;

/** The bridge's Prometheus instruments, all on a private registry (never prom-client's global one). */
export interface BridgeMetrics {
  readonly registry: Registry;
  readonly intakeTotal: Counter<'outcome'>;
  readonly amojoCalls: Counter<'method' | 'outcome'>;
  readonly deliveryLatency: Histogram<'direction'>;
  readonly channelSends: Counter<'channel' | 'outcome'>;
  readonly queueDepth: Gauge<'kind' | 'state'>;
  readonly queueAge: Gauge<'kind' | 'state'>;
  /** Rows the maintenance task deleted, by table (`jobs`, `hooks`, `webchat_uploads`). */
  readonly prunedRows: Counter<'table'>;
  /** `channel_health{kind,instance,state}`: 1 for each instance's current health state, 0 for the others. */
  readonly channelHealth: Gauge<'kind' | 'instance' | 'state'>;
  /** Makes the channel health gauge read `read()` at scrape time; calling it again replaces the reader. */
  collectChannelHealth(read: ChannelHealthReader): void;
  /** Makes the queue gauges read `read()` at scrape time; calling it again replaces the reader. */
  collectQueue(read: QueueStatsReader): void;
  /** The Prometheus text exposition of every instrument. */
  render(): Promise<string>;
  /** The content type to send with {@link BridgeMetrics.render}'s text. */
  readonly contentType: string;
}

/** Options for {@link createMetrics}. */
export interface CreateMetricsOptions {
  /** Prefix of every metric name; `amojo_bridge_` by default. */
  readonly prefix?: string;
}

/** Creates the bridge's metrics on a fresh registry. */
export function createMetrics(options: CreateMetricsOptions = {}): BridgeMetrics {
  const prefix = options.prefix ?? 'amojo_bridge_';
  const registry = new Registry();
  let reader: QueueStatsReader | undefined;
  // Both gauges are filled from one read per scrape; the second collect reuses the first one's rows.
  let pending: Promise<readonly QueueStatRow[]> | undefined;
  const readOnce = async (): Promise<readonly QueueStatRow[]> => {
    if (!reader) return [];
    if (!pending) {
      pending = reader().finally(() => {
        setImmediate(() => {
          pending = undefined;
        });
      });
    }
    return pending;
  };

  const intakeTotal = new Counter({
    name: `${prefix}intake_total`,
    help: 'amojo hooks received, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const amojoCalls = new Counter({
    name: `${prefix}amojo_calls_total`,
    help: 'Calls to the amojo API, by method and outcome',
    labelNames: ['method', 'outcome'] as const,
    registers: [registry],
  });
  const deliveryLatency = new Histogram({
    name: `${prefix}delivery_latency_seconds`,
    help: 'Seconds from a message being accepted to its delivery, by direction',
    labelNames: ['direction'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const channelSends = new Counter({
    name: `${prefix}channel_sends_total`,
    help: 'Messages sent through channel adapters, by channel kind and outcome',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: `${prefix}queue_depth`,
    help: 'Jobs in the queue, by job kind and state',
    labelNames: ['kind', 'state'] as const,
    registers: [registry],
    async collect() {
      const rows = await readOnce();
      this.reset();
      for (const row of rows) this.set({ kind: row.kind, state: row.state }, row.count);
    },
  });
  const queueAge = new Gauge({
    name: `${prefix}queue_oldest_age_seconds`,
    help: 'Age in seconds of the oldest runnable job, by job kind and state',
    labelNames: ['kind', 'state'] as const,
    registers: [registry],
    async collect() {
      const rows = await readOnce();
      this.reset();
      for (const row of rows) this.set({ kind: row.kind, state: row.state }, row.oldestAgeSeconds);
    },
  });

  let healthReader: ChannelHealthReader | undefined;
  const channelHealth = new Gauge({
    name: `${prefix}channel_health`,
    help: 'Health of each channel instance: 1 for its current state (ok, degraded, broken, unknown, disabled), else 0',
    labelNames: ['kind', 'instance', 'state'] as const,
    registers: [registry],
    async collect() {
      const rows = healthReader ? await healthReader() : [];
      this.reset();
      for (const row of rows) {
        for (const state of CHANNEL_HEALTH_STATES) {
          this.set({ kind: row.kind, instance: row.instance, state }, row.state === state ? 1 : 0);
        }
      }
    },
  });

  const prunedRows = new Counter({
    name: `${prefix}pruned_rows_total`,
    help: 'Rows deleted by the maintenance task once past their retention, by table',
    labelNames: ['table'] as const,
    registers: [registry],
  });

  return {
    registry,
    intakeTotal,
    amojoCalls,
    deliveryLatency,
    channelSends,
    queueDepth,
    queueAge,
    prunedRows,
    channelHealth,
    collectChannelHealth(read) {
      healthReader = read;
    },
    collectQueue(read) {
      reader = read;
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
