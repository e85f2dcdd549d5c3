import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL server for the bench: `BENCH_DATABASE_URL` or `TEST_DATABASE_URL` when set, otherwise a throwaway
 * cluster in a temporary folder (default settings: fsync and synchronous_commit on, so commits are durable).
 * Resolves `{ adminUrl, source, createDatabase(), close() }`; every database it creates is dropped by `close()`.
 */
export async function startPostgres() {
  const given = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  let stopCluster = async () => {};
  let adminUrl = given;
  let source = given ? (process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'TEST_DATABASE_URL') : 'throwaway';
  if (!given) {
    if (!existsSync(join(PG_BIN, 'initdb'))) {
      throw new Error(
        `PostgreSQL figures need a server: set BENCH_DATABASE_URL or install PostgreSQL 15 (${PG_BIN}/initdb), or set PG_BIN`,
      );
    }
    const dir = mkdtempSync(join(tmpdir(), 'amojo-bridge-bench-pg-'));
    const asRoot = process.getuid?.() === 0;
    // PostgreSQL refuses to run as root: run the cluster as the `postgres` system user when we are root.
    const run = (command, args) => {
      if (asRoot) {
        const line = [command, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
        execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', line], { stdio: 'pipe' });
      } else {
        execFileSync(command, args, { stdio: 'pipe' });
      }
    };
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(dir, uid, gid);
    }
    const port = await freePort();
    const data = join(dir, 'data');
    run(join(PG_BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
    run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-o', settings, '-w', 'start']);
    adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    source = 'throwaway';
    stopCluster = async () => {
      try {
        run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
  }
  const created = [];
  return {
    adminUrl,
    source,
    /** A fresh database with a unique name; resolves its URL. */
    async createDatabase() {
      const name = `amojo_bridge_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
      await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async close() {
      for (const name of created.splice(0)) {
        await withAdmin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).catch(
          () => undefined,
        );
      }
      await stopCluster();
    },
  };
}

async function withAdmin(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
