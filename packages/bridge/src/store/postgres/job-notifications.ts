import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { Executor, JobSignal } from '../store.js';

/** PostgreSQL channel on which committed jobs are announced to every bridge process sharing the database. */
export const JOBS_CHANNEL = 'amojo_bridge_jobs';

/** A {@link JobSignal} that also reaches workers of other processes through LISTEN/NOTIFY. */
export interface PostgresJobSignal extends JobSignal {
  /** Stops listening (closes the dedicated connection). */
  close(): Promise<void>;
}

/**
 * Wake-ups across processes: `emit()` (called after a commit that enqueued jobs) wakes local workers at once and sends
 * one NOTIFY; a dedicated connection LISTENs while at least one worker is subscribed. Polling still runs underneath,
 * so a lost notification (listener reconnecting) only costs latency, never a job.
 */
export function createPostgresJobSignal(options: {
  readonly db: Executor;
  readonly connectionString: string;
  readonly log: Logger;
}): PostgresJobSignal {
  const { db, log } = options;
  const listeners = new Set<() => void>();
  let client: pg.Client | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  let closed = false;
  let notifying = false;
  let notifyAgain = false;

  const emitLocal = () => {
    for (const listener of listeners) listener();
  };

  async function listen(): Promise<void> {
    if (closed || client || listeners.size === 0) return;
    const next = new pg.Client({ connectionString: options.connectionString });
    client = next;
    next.on('notification', emitLocal);
    next.on('error', (error) => {
      log.warn?.({ event: 'job_listener_error', error: error.message });
      void drop(next, true);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${JOBS_CHANNEL}`);
      if (closed || listeners.size === 0) await drop(next, false);
    } catch (error) {
      log.warn?.({ event: 'job_listener_connect_failed', error: (error as Error).message });
      await drop(next, true);
    }
  }

  async function drop(target: pg.Client, retry: boolean): Promise<void> {
    if (client === target) client = undefined;
    target.removeAllListeners('notification');
    await target.end().catch(() => {});
    if (retry && !closed && listeners.size > 0 && !reconnect) {
      reconnect = setTimeout(() => {
        reconnect = undefined;
        void listen();
      }, 1000);
    }
  }

  // Coalesced: a burst of commits sends one NOTIFY at a time, and one more if commits happened meanwhile.
  async function notify(): Promise<void> {
    if (notifying) {
      notifyAgain = true;
      return;
    }
    notifying = true;
    try {
      do {
        notifyAgain = false;
        await sql`select pg_notify(${JOBS_CHANNEL}, '')`.execute(db);
      } while (notifyAgain && !closed);
    } catch (error) {
      log.warn?.({ event: 'job_notify_failed', error: (error as Error).message });
    } finally {
      notifying = false;
    }
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      void listen();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && client) void drop(client, false);
      };
    },
    emit() {
      emitLocal();
      if (!closed) void notify();
    },
    async close() {
      closed = true;
      if (reconnect) clearTimeout(reconnect);
      if (client) await drop(client, false);
      while (notifying) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}
