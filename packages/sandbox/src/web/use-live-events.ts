import { useEffect, useRef, useState } from 'preact/hooks';
import type { SandboxEvent } from './types.js';

/** State of the live connection, shown in the header. */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * Subscribes to the sandbox's server-sent events. `onOpen` runs on every (re)connection so the page can reload what it
 * may have missed while disconnected.
 */
export function useLiveEvents(url: string, onEvent: (event: SandboxEvent) => void, onOpen: () => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const handlers = useRef({ onEvent, onOpen });
  handlers.current = { onEvent, onOpen };

  useEffect(() => {
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let delayMs = 500;
    let stopped = false;

    const connect = () => {
      source = new EventSource(url);
      source.onopen = () => {
        delayMs = 500;
        setStatus('live');
        handlers.current.onOpen();
      };
      source.onmessage = (message: MessageEvent<string>) => {
        let event: SandboxEvent;
        try {
          event = JSON.parse(message.data) as SandboxEvent;
        } catch {
          console.warn('inbox: ignoring a server event that is not JSON', message.data);
          return;
        }
        handlers.current.onEvent(event);
      };
      source.onerror = () => {
        setStatus('reconnecting');
        // The browser retries by itself unless the server answered with an error status; then we retry with backoff.
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          retryTimer = setTimeout(connect, delayMs);
          delayMs = Math.min(delayMs * 2, 10_000);
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      source?.close();
    };
  }, [url]);

  return status;
}
