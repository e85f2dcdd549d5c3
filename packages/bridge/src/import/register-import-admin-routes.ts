import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AdminDeps } from '../admin/admin-deps.js';
import { AdminInputError, parseInput } from '../admin/parse-input.js';
import type { AmocrmDeps } from '../amocrm/amocrm-deps.js';
import { asChannelInstanceKey } from '../store/ids.js';
import { accountUsersVia } from './account-users.js';
import { formatSummary } from './format-summary.js';
import { ImportJobs, type LiveImport, rateOf } from './import-jobs.js';
import { IMPORT_FORMATS, type ImportFormat } from './import-message.js';
import { findImportRun, type ImportRun, listImportReport, listImportRuns } from './import-run-store.js';
import { type ManagerMap, ManagerMapError, parseManagerMap } from './manager-map.js';
import { openImportSource } from './open-import-source.js';
import { runImport } from './run-import.js';

class ImportRunningError extends Error {
  constructor(readonly runId: number) {
    super(`import ${runId} is running`);
  }
}

/** Largest upload the admin API takes (a Telegram result.json of a large account is a few hundred MB). */
export const MAX_IMPORT_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;

const fieldsSchema = z.object({
  instance: z.string().min(1).max(200),
  format: z.enum(IMPORT_FORMATS).optional(),
  dryRun: z.enum(['true', 'false']).optional(),
  self: z.string().min(1).max(255).optional(),
  chatKey: z.string().min(1).max(255).optional(),
  dateOrder: z.enum(['day-first', 'month-first']).optional(),
  map: z
    .string()
    .max(1024 * 1024)
    .optional(),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });
const reportQuery = z.object({
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  kind: z.enum(['error', 'skipped']).optional(),
});

function runJson(run: ImportRun, jobs: ImportJobs, now: number) {
  const live = jobs.get(run.id);
  const rate = live ? rateOf(live, now) : { perSecond: 0, etaSeconds: null };
  return {
    id: run.id,
    format: run.format,
    fileName: run.fileName,
    state: jobs.isRunning(run.id) ? (live?.progress?.phase ?? run.state) : run.state,
    running: jobs.isRunning(run.id),
    chats: run.chats,
    total: run.total,
    sent: live?.progress && jobs.isRunning(run.id) ? Math.max(run.sent, live.progress.sent) : run.sent,
    duplicates: run.duplicates,
    failed: run.failed,
    skipped: run.skipped,
    done: live?.progress?.done ?? null,
    messagesPerSecond: Math.round(rate.perSecond),
    etaSeconds: rate.etaSeconds,
    error: live?.error ?? run.error,
    summary: live?.summary ? formatSummary(live.summary) : null,
    createdAt: new Date(run.createdAt).toISOString(),
    finishedAt: run.finishedAt === null ? null : new Date(run.finishedAt).toISOString(),
  };
}

/**
 * The import through the admin API: `POST /imports` (multipart: the fields `instance`, `format`?, `dryRun`?,
 * `self`?, `chatKey`?, `dateOrder`?, `map`? (the map file's JSON), then the `file` part) starts a run and answers
 * 202 with its id (a dry run answers 200 with its summary); `GET /imports/:id` polls its progress;
 * `GET /imports/:id/report` pages its report; `GET /imports` lists runs. Uploading a file that was already (or
 * partly) imported continues that run.
 */
export async function registerImportAdminRoutes(
  app: FastifyInstance,
  deps: AdminDeps,
  amocrm?: AmocrmDeps | undefined,
): Promise<void> {
  const jobs = new ImportJobs();
  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_UPLOAD_BYTES, files: 1, fields: 10 } });
  // Stopping the bridge stops its imports at the next message (marks saved); uploading the file again continues.
  app.addHook('onClose', async () => {
    jobs.abortAll();
    await Promise.allSettled([...jobs.running]);
  });

  app.post('/imports', async (request, reply) => {
    if (!request.isMultipart())
      throw new AdminInputError('body', 'send multipart/form-data with the fields and a "file" part');
    const fields: Record<string, string> = {};
    const dir = join(tmpdir(), `amojo-bridge-import-${randomBytes(8).toString('hex')}`);
    let saved: string | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (typeof part.value === 'string') fields[part.fieldname] = part.value;
          continue;
        }
        if (part.fieldname !== 'file') throw new AdminInputError(part.fieldname, 'the only file part is "file"');
        await mkdir(dir, { recursive: true });
        saved = join(dir, basename(part.filename || 'upload').replace(/[^\p{L}\p{N} ._+@()-]/gu, '_') || 'upload');
        await pipeline(part.file, createWriteStream(saved));
        if (part.file.truncated) throw new AdminInputError('file', `larger than ${MAX_IMPORT_UPLOAD_BYTES} bytes`);
      }
      if (!saved) throw new AdminInputError('file', 'a "file" part is required (after the other fields)');
      const input = parseInput(fieldsSchema, fields, 'body');
      let managers: ManagerMap = new Map();
      if (input.map) {
        try {
          managers = parseManagerMap(JSON.parse(input.map));
        } catch (error) {
          throw new AdminInputError('map', (error as Error).message);
        }
      }
      let source: Awaited<ReturnType<typeof openImportSource>>;
      try {
        source = await openImportSource(saved, {
          format: input.format as ImportFormat | undefined,
          self: input.self,
          managerNames: new Set(managers.keys()),
          chatKey: input.chatKey,
          daysFirst: input.dateOrder === undefined ? undefined : input.dateOrder === 'day-first',
        });
      } catch (error) {
        throw new AdminInputError('file', (error as Error).message);
      }
      const importDeps = {
        store: deps.store,
        amojo: deps.amojo,
        bot: { id: deps.config.channel.botId, name: deps.config.channel.botName },
        publicUrl: deps.config.http.publicUrl,
        log: deps.log,
        now: deps.now,
        ...(amocrm ? { accountUsers: accountUsersVia(amocrm) } : {}),
      };
      const cleanup = async () => {
        source.close();
        await rm(dir, { recursive: true, force: true });
      };
      if (input.dryRun === 'true') {
        try {
          const summary = await runImport(importDeps, {
            source,
            instanceKey: asChannelInstanceKey(input.instance),
            managers,
            dryRun: true,
          });
          return {
            dryRun: true,
            summary: formatSummary(summary),
            counts: { ...summary, report: undefined },
            report: summary.report.slice(0, 500),
          };
        } finally {
          await cleanup();
        }
      }
      // Start it; answer as soon as the run exists (or the import refused to start).
      let job: LiveImport | undefined;
      let resolveRun: (runId: number) => void = () => undefined;
      let rejectRun: (error: unknown) => void = () => undefined;
      const started = new Promise<number>((resolve, reject) => {
        resolveRun = resolve;
        rejectRun = reject;
      });
      const abort = new AbortController();
      const work = runImport(importDeps, {
        source,
        instanceKey: asChannelInstanceKey(input.instance),
        managers,
        signal: abort.signal,
        onRun: (runId) => {
          if (jobs.isRunning(runId)) throw new ImportRunningError(runId);
          job = jobs.start(runId, deps.now().getTime(), abort);
          resolveRun(runId);
        },
        onProgress: (p) => {
          if (job) job.progress = p;
        },
      });
      const tracked = work
        .then(
          (summary) => {
            if (job) job.summary = summary;
          },
          (error: unknown) => {
            if (job) job.error = (error as Error).message;
            rejectRun(error);
            if (!(error instanceof ImportRunningError)) {
              deps.log.warn({ err: error, event: 'import_failed' }, 'admin import stopped');
            }
          },
        )
        .finally(cleanup);
      jobs.running.add(tracked);
      void tracked.finally(() => jobs.running.delete(tracked));
      saved = undefined;
      try {
        const runId = await started;
        const run = await findImportRun(deps.store.db, { id: runId });
        return reply.code(202).send(run ? runJson(run, jobs, deps.now().getTime()) : { id: runId });
      } catch (error) {
        if (error instanceof ImportRunningError) {
          return reply
            .code(409)
            .send({ error: 'import_running', id: error.runId, message: 'this file is being imported: poll it' });
        }
        // A map entry naming an amoCRM user id that cannot be resolved is the map's fault; the rest, the instance's.
        throw new AdminInputError(error instanceof ManagerMapError ? 'map' : 'instance', (error as Error).message);
      }
    } finally {
      if (saved) await rm(dir, { recursive: true, force: true });
    }
  });

  app.get('/imports', async () => {
    const now = deps.now().getTime();
    return { items: (await listImportRuns(deps.store.db, 50)).map((run) => runJson(run, jobs, now)) };
  });

  app.get('/imports/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params, 'params');
    const run = await findImportRun(deps.store.db, { id });
    if (!run) return reply.code(404).send({ error: 'not_found', message: `No import ${id}` });
    return runJson(run, jobs, deps.now().getTime());
  });

  app.get('/imports/:id/report', async (request, reply) => {
    const { id } = parseInput(idParams, request.params, 'params');
    const query = parseInput(reportQuery, request.query, 'query');
    const run = await findImportRun(deps.store.db, { id });
    if (!run) return reply.code(404).send({ error: 'not_found', message: `No import ${id}` });
    return listImportReport(deps.store.db, { runId: id, ...query });
  });
}
