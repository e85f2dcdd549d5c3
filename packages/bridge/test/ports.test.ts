import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from './support/ports.js';

// Reserved ports must not come from the ephemeral range, where any outgoing connection may take them before the
// service that was promised the port listens (EADDRINUSE at its start).

const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

describe('freePort', () => {
  it('reserves distinct ports below the ephemeral range, each free to listen on', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 50; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(50);
    for (const port of ports) expect(port).toBeLessThan(ephemeralLow);
    const servers = await Promise.all(ports.map(listen));
    await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  });

  it('skips a port something already listens on', async () => {
    const taken = await freePort();
    const holder = await listen(taken + 1);
    try {
      // The next reservation would be taken + 1 (unless the slice wrapped there): it is skipped, never returned.
      const next = await freePort();
      expect(next).not.toBe(taken + 1);
      expect(next).not.toBe(taken);
    } finally {
      await new Promise((done) => holder.close(done));
    }
  });
});
