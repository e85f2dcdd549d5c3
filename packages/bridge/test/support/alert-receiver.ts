import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One alert the receiver took. */
export interface ReceivedAlert {
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly body: Record<string, unknown>;
}

/** An operator's alert endpoint on a real port; its first delivery answers 503 (the queue must retry). */
export async function startAlertReceiver(): Promise<{ server: Server; url: string; alerts: ReceivedAlert[] }> {
  const alerts: ReceivedAlert[] = [];
  let failFirst = true;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      // The first delivery is refused: the alert must be retried by the queue, not lost.
      if (failFirst) {
        failFirst = false;
        response.writeHead(503).end();
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      alerts.push({ headers: request.headers, text, body: JSON.parse(text) as Record<string, unknown> });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/ops/alerts/s3cr3t-path`, alerts };
}
