import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// A port reserved before its service starts (the sandbox is told the bridge's hook URL first) is released again
// until the service listens. A port the kernel picks (listen on 0) comes from the ephemeral range, the same range
// every outgoing connection on the machine takes its local port from: a database or HTTP connection opened in that
// window may get it, and the service's listen then fails with EADDRINUSE (seen in full CI runs, about once in 15).
// So ports are reserved below the ephemeral range, where the kernel never hands out a local port on its own, each
// concurrently running vitest worker in a slice of its own (VITEST_POOL_ID), and never twice in one process.

/** Lowest reserved port. */
const FIRST_PORT = 20_000;
/** Ports per vitest worker. */
const SLICE = 1_000;

/** The low end of the kernel's ephemeral port range (Linux), else the IANA default. */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 49_152;
  } catch {
    return 49_152;
  }
}

const slices = Math.floor((ephemeralLow() - FIRST_PORT) / SLICE);
const pool = Math.max(1, Number(process.env.VITEST_POOL_ID ?? 1) || 1);
const sliceStart = FIRST_PORT + ((pool - 1) % Math.max(1, slices)) * SLICE;
// A random start: the files a worker runs one after another do not all begin with the same ports.
let offset = Math.floor(Math.random() * SLICE);

/** Listens on `port` (0: the kernel's choice) on loopback and closes again; the port, or undefined when taken. */
function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(undefined) : reject(error),
    );
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/**
 * Reserves a free loopback port for a service whose address must be known before it starts: one below the kernel's
 * ephemeral range, in this vitest worker's slice, not handed out again by this process until the slice wraps (1,000
 * reservations), that nothing listens on now. Falls back to a kernel-chosen port when the range leaves no room below it or the slice is all taken.
 */
export async function freePort(): Promise<number> {
  if (slices >= 1) {
    for (let tried = 0; tried < SLICE; tried++) {
      offset = (offset + 1) % SLICE;
      const port = await tryListen(sliceStart + offset);
      if (port !== undefined) return port;
    }
  }
  const port = await tryListen(0);
  if (port === undefined) throw new Error('freePort: no loopback port is free');
  return port;
}
