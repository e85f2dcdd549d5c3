import type { WebchatServerFrame } from './webchat-protocol.js';

/** One open visitor socket as the hub sees it. */
export interface WebchatConnection {
  send(frame: WebchatServerFrame): void;
}

/**
 * Open visitor sockets by instance and visitor, so the adapter (manager messages, typing, reactions) and the socket
 * handler (a visitor's own message shown in their other tabs) reach every tab of one visitor. This one is
 * in-process; `createPostgresWebchatHub` extends it to every process sharing a PostgreSQL database.
 */
export interface WebchatHub {
  /** Registers a socket for a visitor; returns the function that unregisters it. */
  join(instanceKey: string, visitorId: string, connection: WebchatConnection): () => void;
  /** Sends a frame to every socket of a visitor (except `skip`); returns how many got it. */
  publish(instanceKey: string, visitorId: string, frame: WebchatServerFrame, skip?: WebchatConnection): number;
  /** Number of open sockets of a visitor. */
  count(instanceKey: string, visitorId: string): number;
  /** Releases what the hub holds beyond memory (a database listener); called when the server closes. */
  close?(): Promise<void>;
}

/** Creates an empty hub. */
export function createWebchatHub(): WebchatHub {
  const rooms = new Map<string, Set<WebchatConnection>>();
  const room = (instanceKey: string, visitorId: string) => `${instanceKey}\u0000${visitorId}`;
  return {
    join(instanceKey, visitorId, connection) {
      const key = room(instanceKey, visitorId);
      const set = rooms.get(key) ?? new Set();
      set.add(connection);
      rooms.set(key, set);
      return () => {
        set.delete(connection);
        if (set.size === 0 && rooms.get(key) === set) rooms.delete(key);
      };
    },
    publish(instanceKey, visitorId, frame, skip) {
      let sent = 0;
      for (const connection of rooms.get(room(instanceKey, visitorId)) ?? []) {
        if (connection === skip) continue;
        connection.send(frame);
        sent++;
      }
      return sent;
    },
    count: (instanceKey, visitorId) => rooms.get(room(instanceKey, visitorId))?.size ?? 0,
  };
}
