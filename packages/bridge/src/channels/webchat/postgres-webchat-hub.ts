import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '../../log.js';
import type { Executor } from '../../store/store.js';
import { createWebchatHub, type WebchatHub } from './webchat-hub.js';
import type { WebchatServerFrame } from './webchat-protocol.js';

/** PostgreSQL channel on which webchat events reach the process holding the visitor's socket. */
export const WEBCHAT_CHANNEL = 'amojo_bridge_webchat';

// NOTIFY payloads are limited to 8000 bytes; a bigger frame (a long message) is announced as "resync" instead, and
// the widget reloads its history from the database.
const MAX_PAYLOAD = 7500;

/** A hub shared by every bridge process on one PostgreSQL database. */
export interface PostgresWebchatHub extends WebchatHub {
  /** Stops listening (closes the dedicated connection). */
  close(): Promise<void>;
}

/**
 * Scale-out for webchat (ARCHITECTURE "Running it"): several bridge processes behind a load balancer, a visitor's
 * tabs on any of them, the job that delivers a manager message on any other. `publish` delivers to local sockets
 * at once and sends one NOTIFY; every other process's listener delivers it to its own sockets.
 */
export function createPostgresWebchatHub(options: {
  readonly db: Executor;
  readonly connectionString: string;
  readonly log: Logger;
}): PostgresWebchatHub {
  const local = createWebchatHub();
  const processId = randomBytes(8).toString('hex');
  const { log } = options;
  let client: pg.Client | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  let closed = false;

  const onNotification = (message: pg.Notification) => {
    try {
      const event = JSON.parse(message.payload ?? '') as {
        from: string;
        instance: string;
        visitor: string;
        frame: WebchatServerFrame;
      };
      if (event.from !== processId) local.publish(event.instance, event.visitor, event.frame);
    } catch (error) {
      log.warn({ event: 'webchat_notification_unreadable', error: (error as Error).message });
    }
  };

  async function listen(): Promise<void> {
    if (closed || client) return;
    const next = new pg.Client({ connectionString: options.connectionString });
    client = next;
    next.on('notification', onNotification);
    next.on('error', (error) => {
      log.warn({ event: 'webchat_listener_error', error: error.message });
      void drop(next);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${WEBCHAT_CHANNEL}`);
      if (closed) await drop(next);
    } catch (error) {
      log.warn({ event: 'webchat_listener_connect_failed', error: (error as Error).message });
      await drop(next);
    }
  }

  async function drop(target: pg.Client): Promise<void> {
    if (client === target) client = undefined;
    target.removeAllListeners('notification');
    await target.end().catch(() => {});
    if (!closed && !reconnect) {
      reconnect = setTimeout(() => {
        reconnect = undefined;
        void listen();
      }, 1000);
    }
  }

  void listen();
  return {
    join: local.join,
    count: local.count,
    publish(instanceKey, visitorId, frame, skip) {
      const sent = local.publish(instanceKey, visitorId, frame, skip);
      let payload = JSON.stringify({ from: processId, instance: instanceKey, visitor: visitorId, frame });
      if (Buffer.byteLength(payload) > MAX_PAYLOAD) {
        payload = JSON.stringify({
          from: processId,
          instance: instanceKey,
          visitor: visitorId,
          frame: { type: 'resync' },
        });
      }
      sql`select pg_notify(${WEBCHAT_CHANNEL}, ${payload})`.execute(options.db).catch((error: unknown) => {
        log.warn({ event: 'webchat_notify_failed', error: (error as Error).message });
      });
      return sent;
    },
    async close() {
      closed = true;
      clearTimeout(reconnect);
      const current = client;
      client = undefined;
      if (current) {
        current.removeAllListeners('notification');
        await current.end().catch(() => {});
      }
    },
  };
}
