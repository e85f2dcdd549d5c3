import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server answering 200 with `bytes` bytes of 'x'; `written` counts what it wrote for the latest request. */
export interface LargeAnswerServer {
  readonly url: string;
  readonly written: number;
  close(): Promise<void>;
}

/**
 * Starts a server whose every answer is `bytes` bytes long: with a `Content-Length` when `declareLength`, else
 * chunked in 64 KiB pieces. It writes only as fast as the reader takes, so `written` shows where a reader that gave
 * up stopped it (socket buffers hold a few MiB at most). Used by the SDK's and the bridge's size-limit tests.
 */
export async function startLargeAnswerServer(
  bytes: number,
  options: { readonly declareLength?: boolean; readonly headers?: Record<string, string> } = {},
): Promise<LargeAnswerServer> {
  let written = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, {
      ...(options.declareLength ? { 'content-length': String(bytes) } : {}),
      ...options.headers,
    });
    written = 0;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const pump = (): void => {
      while (written < bytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, bytes - written));
        written += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('error', () => undefined);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/answer`;
  return {
    url,
    get written() {
      return written;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
