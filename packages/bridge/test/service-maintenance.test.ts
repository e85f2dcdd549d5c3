import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BridgeConfig, loadConfig } from '../src/config/index.js';
import { BridgeConfigError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { pruneFinishedJobs } from '../src/queue/prune-jobs.js';
import { type Bridge, createBridge } from '../src/service/create-bridge.js';
import { createMaintenance } from '../src/service/maintenance.js';
import type { JobState } from '../src/store/database.js';
import { openStore } from '../src/store/open-store.js';
import type { Executor } from '../src/store/store.js';
import { createTestDatabase, ENGINES, type TestDatabase } from './support/databases.js';
import { waitFor } from './support/service-harness.js';

const ADMIN_TOKEN = 'maintenance-test-admin-token';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-01T00:00:00Z');

const minimalEnv = {
  AMOJO_CHANNEL_ID: '344a5002-f8ca-454d-af3d-396180102ac7',
  AMOJO_CHANNEL_SECRET: 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e',
};

/** Collects logged lines as objects. */
function captureLog(level: 'info' | 'silent' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({
    level,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { log, lines, events: (name: string) => lines.filter((line) => line.event === name) };
}

async function insertJob(db: Executor, state: JobState, updatedAt: number): Promise<number> {
  const row = await db
    .insertInto('jobs')
    .values({
      kind: 'test',
      lane: null,
      payload: '{}',
      state,
      attempts: 0,
      max_attempts: 5,
      run_at: updatedAt,
      created_at: updatedAt,
      updated_at: updatedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

async function insertHook(db: Executor, input: { receivedAt: number; jobId: number | null }): Promise<number> {
  const row = await db
    .insertInto('hooks')
    .values({
      scope_id: 'scope',
      kind: 'message',
      raw_body: '{}',
      signature_ok: 1,
      dedup_key: randomBytes(8).toString('hex'),
      outcome: 'accepted',
      reason: null,
      job_id: input.jobId,
      received_at: input.receivedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

async function ids(db: Executor, table: 'jobs' | 'hooks'): Promise<number[]> {
  const rows = await db.selectFrom(table).select('id').orderBy('id').execute();
  return rows.map((row) => Number(row.id));
}

async function uploadKeys(db: Executor): Promise<string[]> {
  const rows = await db
    .withTables<{ webchat_uploads: { file_key: string } }>()
    .selectFrom('webchat_uploads')
    .select('file_key')
    .orderBy('file_key')
    .execute();
  return rows.map((row) => row.file_key);
}

/** A webchat instance with one visitor's conversation, to hang uploads and messages on. */
async function insertWebchatConversation(db: Executor, visitorId: string) {
  const account = await db
    .insertInto('accounts')
    .values({
      scope_id: `scope-${visitorId}`,
      amojo_account_id: `acc-${visitorId}`,
      channel_id: minimalEnv.AMOJO_CHANNEL_ID,
      state: 'connected',
      created_at: T0,
      updated_at: T0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const instance = await db
    .insertInto('channel_instances')
    .values({
      key: `wc-${visitorId}`,
      kind: 'webchat',
      name: null,
      account_id: account.id,
      settings: '{}',
      secret_enc: null,
      enabled: 1,
      created_at: T0,
      updated_at: T0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const conversation = await db
    .insertInto('conversations')
    .values({
      account_id: account.id,
      channel_instance_id: instance.id,
      conversation_id: `conv-${visitorId}`,
      channel_chat_key: visitorId,
      last_activity_at: T0,
      created_at: T0,
      updated_at: T0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  let msg = 0;
  return {
    async upload(fileKey: string, createdAt: number) {
      await db
        .withTables<{
          webchat_uploads: {
            channel_instance_id: number;
            visitor_id: string;
            file_key: string;
            file_name: string;
            mime_type: string;
            size: number;
            data: Buffer;
            created_at: number;
          };
        }>()
        .insertInto('webchat_uploads')
        .values({
          channel_instance_id: instance.id,
          visitor_id: visitorId,
          file_key: fileKey,
          file_name: 'a.png',
          mime_type: 'image/png',
          size: 3,
          data: Buffer.from([1, 2, 3]),
          created_at: createdAt,
        })
        .execute();
    },
    async messageWithFile(fileKey: string, createdAt: number) {
      msg += 1;
      const url = `http://127.0.0.1:8080/webchat/files/${fileKey}/a.png`;
      await db
        .insertInto('messages')
        .values({
          conversation_row_id: conversation.id,
          direction: 'in',
          msgid: `ab-${visitorId}-${msg}`,
          type: 'picture',
          payload: JSON.stringify({ type: 'picture', media: url, fileName: 'a.png' }),
          status: 'sent',
          sent_at: createdAt,
          created_at: createdAt,
          updated_at: createdAt,
        })
        .execute();
    },
  };
}

describe.each(ENGINES)('maintenance on %s', (engine) => {
  let database: TestDatabase;
  let config: BridgeConfig;
  let bridge: Bridge;
  let clock = T0;
  const captured = captureLog();
  const db = () => bridge.store.db;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    config = loadConfig({
      env: {
        ...minimalEnv,
        DATABASE_URL: database.databaseUrl,
        AMOJO_BASE_URL: 'http://127.0.0.1:9',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        ADMIN_TOKEN: ADMIN_TOKEN,
      },
    });
    bridge = await createBridge({ config, log: captured.log, now: () => new Date(clock) });
  });
  afterAll(async () => {
    await bridge?.stop();
    await database?.drop();
  });
  beforeEach(async () => {
    clock = T0;
    // Children first: hooks and messages reference the others.
    await db().deleteFrom('hooks').execute();
    await db().deleteFrom('jobs').execute();
    await db().withTables<{ webchat_uploads: { id: number } }>().deleteFrom('webchat_uploads').execute();
    await db().deleteFrom('messages').execute();
    await db().deleteFrom('conversations').execute();
    await db().deleteFrom('channel_instances').execute();
    await db().deleteFrom('accounts').execute();
  });

  it('deletes done and discarded jobs past JOB_RETENTION_HOURS, keeps fresh and unfinished ones', async () => {
    const retention = config.maintenance.jobRetentionHours * HOUR;
    const old = T0 - retention - HOUR;
    const fresh = T0 - retention + HOUR;
    const oldDone = await insertJob(db(), 'done', old);
    const oldDiscarded = await insertJob(db(), 'discarded', old);
    const keep = [
      await insertJob(db(), 'queued', old),
      await insertJob(db(), 'running', old),
      await insertJob(db(), 'dead', old),
      await insertJob(db(), 'done', fresh),
      await insertJob(db(), 'discarded', fresh),
    ];
    const before = captured.events('maintenance_pruned').length;

    const round = await bridge.maintenance.runNow();

    expect(round.jobs).toBe(2);
    expect(await ids(db(), 'jobs')).toEqual(keep);
    expect(await ids(db(), 'jobs')).not.toContain(oldDone);
    expect(await ids(db(), 'jobs')).not.toContain(oldDiscarded);
    const logged = captured.events('maintenance_pruned').slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ jobs: 2, hooks: 0, uploads: 0 });
    expect(await bridge.metrics.render()).toMatch(/amojo_bridge_pruned_rows_total\{table="jobs"\} 2\b/);

    // The injected clock moves on: the fresh finished jobs age past the retention, the unfinished never go.
    clock = T0 + 2 * HOUR;
    expect((await bridge.maintenance.runNow()).jobs).toBe(2);
    expect(await ids(db(), 'jobs')).toEqual(keep.slice(0, 3));
  });

  it('deletes in batches: a backlog larger than a batch goes in one round, batch by batch', async () => {
    const old = T0 - 100 * DAY;
    const backlog: number[] = [];
    for (let i = 0; i < 25; i += 1) backlog.push(await insertJob(db(), i % 2 === 0 ? 'done' : 'discarded', old));
    const dead = await insertJob(db(), 'dead', old);

    // One batch deletes at most `limit` rows, oldest ids first, and says whether more may be left.
    const first = await pruneFinishedJobs(db(), { before: T0, limit: 10 });
    expect(first).toEqual({ deleted: 10, more: true });
    expect(await ids(db(), 'jobs')).toEqual([...backlog.slice(10), dead]);

    const maintenance = createMaintenance({
      db: db(),
      log: createLogger({ level: 'silent' }),
      now: () => new Date(T0),
      intervalMs: 60_000,
      jobRetentionHours: 72,
      hookRetentionDays: 30,
      uploadRetentionDays: 90,
      batchSize: 4,
    });
    for (let i = 0; i < 9; i += 1) await insertHook(db(), { receivedAt: old, jobId: null });
    expect(await maintenance.runNow()).toEqual({ jobs: 15, hooks: 9, uploads: 0 });
    expect(await ids(db(), 'jobs')).toEqual([dead]);
    expect(await ids(db(), 'hooks')).toEqual([]);
    await maintenance.stop();
  });

  it('two bridges pruning the same backlog at once delete each row once, without errors', async () => {
    const old = T0 - 100 * DAY;
    for (let i = 0; i < 60; i += 1) await insertJob(db(), 'done', old);
    const kept = await insertJob(db(), 'queued', old);
    const other = openStore({ databaseUrl: database.databaseUrl });
    const options = {
      log: createLogger({ level: 'silent' }),
      now: () => new Date(T0),
      intervalMs: 60_000,
      jobRetentionHours: 72,
      hookRetentionDays: 30,
      uploadRetentionDays: 90,
      batchSize: 5,
    } as const;
    const first = createMaintenance({ ...options, db: db() });
    const second = createMaintenance({ ...options, db: other.db });
    try {
      const rounds = await Promise.all([first.runNow(), second.runNow(), first.runNow()]);
      expect(rounds[0]).toBe(rounds[2]);
      expect(rounds[0].jobs + rounds[1].jobs).toBe(60);
      expect(await ids(db(), 'jobs')).toEqual([kept]);
    } finally {
      await first.stop();
      await second.stop();
      await other.close();
    }
  });

  it('keeps the hook log consistent: pruned jobs leave their hooks, old hooks go once their job is finished', async () => {
    const jobOld = T0 - 10 * DAY;
    const hookOld = T0 - 31 * DAY;
    const doneJob = await insertJob(db(), 'done', jobOld);
    const deadJob = await insertJob(db(), 'dead', jobOld);
    const queuedJob = await insertJob(db(), 'queued', jobOld);
    const runningJob = await insertJob(db(), 'running', jobOld);
    const freshDoneJob = await insertJob(db(), 'done', T0 - HOUR);
    const recentHookOfDone = await insertHook(db(), { receivedAt: T0 - DAY, jobId: doneJob });
    const oldHookOfDead = await insertHook(db(), { receivedAt: hookOld, jobId: deadJob });
    const oldHookOfQueued = await insertHook(db(), { receivedAt: hookOld, jobId: queuedJob });
    const oldHookOfRunning = await insertHook(db(), { receivedAt: hookOld, jobId: runningJob });
    const oldHookOfFreshDone = await insertHook(db(), { receivedAt: hookOld, jobId: freshDoneJob });
    const oldHookWithoutJob = await insertHook(db(), { receivedAt: hookOld, jobId: null });

    const round = await bridge.maintenance.runNow();

    expect(round).toMatchObject({ jobs: 1, hooks: 2 });
    expect(await ids(db(), 'hooks')).toEqual([recentHookOfDone, oldHookOfDead, oldHookOfQueued, oldHookOfRunning]);
    expect(await ids(db(), 'jobs')).toEqual([deadJob, queuedJob, runningJob, freshDoneJob]);
    // The recent hook of the pruned job stays, its job reference cleared by the foreign key.
    const kept = await db().selectFrom('hooks').select('job_id').where('id', '=', recentHookOfDone).executeTakeFirst();
    expect(kept?.job_id).toBeNull();
    expect(await ids(db(), 'hooks')).not.toContain(oldHookOfFreshDone);
    expect(await ids(db(), 'hooks')).not.toContain(oldHookWithoutJob);

    // The admin API's hook log still answers, the pruned job's hook listed without a job.
    const admin = await bridge.app.inject({
      method: 'GET',
      url: '/admin/api/hooks',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(admin.statusCode).toBe(200);
    const items = (admin.json() as { items: { id: number; jobId: number | null }[] }).items;
    expect(items.map((item) => Number(item.id)).sort((a, b) => a - b)).toEqual([
      recentHookOfDone,
      oldHookOfDead,
      oldHookOfQueued,
      oldHookOfRunning,
    ]);
    expect(items.find((item) => Number(item.id) === recentHookOfDone)?.jobId).toBeNull();
    expect(items.find((item) => Number(item.id) === oldHookOfDead)?.jobId).toBe(deadJob);
  });

  it('deletes old webchat uploads unless a message younger than UPLOAD_RETENTION_DAYS references them', async () => {
    const retention = config.maintenance.uploadRetentionDays * DAY;
    const old = T0 - retention - DAY;
    const visitor = await insertWebchatConversation(db(), 'v_visitor1');
    const other = await insertWebchatConversation(db(), 'v_visitor2');
    const keys = {
      unsent: `k1${randomBytes(16).toString('base64url')}`,
      sentLongAgo: `k2${randomBytes(16).toString('base64url')}`,
      sentRecently: `k3${randomBytes(16).toString('base64url')}`,
      fresh: `k4${randomBytes(16).toString('base64url')}`,
      namedByOtherVisitor: `k5${randomBytes(16).toString('base64url')}`,
    };
    await visitor.upload(keys.unsent, old);
    await visitor.upload(keys.sentLongAgo, old);
    await visitor.messageWithFile(keys.sentLongAgo, old);
    await visitor.upload(keys.sentRecently, old);
    await visitor.messageWithFile(keys.sentRecently, T0 - DAY);
    await visitor.upload(keys.fresh, T0 - DAY);
    // Only the uploader can send an upload; another visitor's message naming the key does not keep it.
    await visitor.upload(keys.namedByOtherVisitor, old);
    await other.messageWithFile(keys.namedByOtherVisitor, T0 - DAY);

    const round = await bridge.maintenance.runNow();

    expect(round.uploads).toBe(3);
    expect(await uploadKeys(db())).toEqual([keys.sentRecently, keys.fresh].sort());
  });

  it('runs on its interval once started and stops with the bridge', async () => {
    const log = captureLog();
    const local = await createTestDatabase(engine);
    let localClock = T0;
    const localConfig = loadConfig({
      env: {
        ...minimalEnv,
        DATABASE_URL: local.databaseUrl,
        AMOJO_BASE_URL: 'http://127.0.0.1:9',
        HOST: '127.0.0.1',
        PORT: '0',
      },
    });
    const running = await createBridge({
      config: { ...localConfig, maintenance: { ...localConfig.maintenance, intervalMs: 20 } },
      log: log.log,
      now: () => new Date(localClock),
      startReconcileTimeoutMs: 0,
    });
    try {
      const job = await insertJob(running.store.db, 'done', T0);
      await running.start();
      // Nothing is old yet; the next rounds run on the injected clock moved past the retention.
      localClock = T0 + 73 * HOUR;
      // A round logs once all three tables are done; the job's deletion is committed by then.
      await waitFor(async () => log.events('maintenance_pruned').some((line) => line.jobs === 1));
      expect(await ids(running.store.db, 'jobs')).not.toContain(job);
    } finally {
      await running.stop();
    }
    const rounds = log.events('maintenance_pruned').length;
    expect(rounds).toBeGreaterThan(0);
    // Several intervals later: no round ran on the closed database, none failed.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(log.events('maintenance_pruned')).toHaveLength(rounds);
    expect(log.events('maintenance_failed')).toHaveLength(0);
    await local.drop();
  });
});

describe('maintenance configuration', () => {
  it('defaults to 72 h jobs, 30 d hooks, 90 d uploads, a round every 10 minutes', () => {
    expect(loadConfig({ env: minimalEnv }).maintenance).toEqual({
      intervalMs: 600_000,
      jobRetentionHours: 72,
      hookRetentionDays: 30,
      uploadRetentionDays: 90,
    });
    expect(
      loadConfig({
        env: {
          ...minimalEnv,
          JOB_RETENTION_HOURS: '24',
          HOOK_RETENTION_DAYS: '7',
          UPLOAD_RETENTION_DAYS: '365',
          MAINTENANCE_INTERVAL_MS: '60000',
        },
      }).maintenance,
    ).toEqual({ intervalMs: 60_000, jobRetentionHours: 24, hookRetentionDays: 7, uploadRetentionDays: 365 });
  });

  it('names every invalid variable', () => {
    let error: unknown;
    try {
      loadConfig({
        env: {
          ...minimalEnv,
          JOB_RETENTION_HOURS: '0',
          HOOK_RETENTION_DAYS: 'forever',
          UPLOAD_RETENTION_DAYS: '-1',
          MAINTENANCE_INTERVAL_MS: '5',
        },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BridgeConfigError);
    const issues = (error as BridgeConfigError).issues;
    expect(issues.map((issue) => issue.variable)).toEqual([
      'JOB_RETENTION_HOURS',
      'HOOK_RETENTION_DAYS',
      'UPLOAD_RETENTION_DAYS',
      'MAINTENANCE_INTERVAL_MS',
    ]);
    expect(issues[0]?.expected).toBe('an integer number of hours between 1 and 87600');
    expect(issues[3]?.expected).toBe('an integer number of milliseconds between 1000 and 86400000');
    expect((error as Error).message).toContain('MAINTENANCE_INTERVAL_MS');
    expect((error as Error).message).not.toContain('forever');
  });
});
