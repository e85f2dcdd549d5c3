import { createServer } from 'node:net';

/**
 * Reserves a free loopback port: listens on port 0, reads the port the kernel chose, and closes again. For a
 * service whose address must be known before it starts (the sandbox is told the bridge's hook URL first).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
