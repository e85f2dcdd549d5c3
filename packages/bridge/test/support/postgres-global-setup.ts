import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from './ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server the store and queue suites create their databases on. */
    testDatabaseUrl: string;
  }
}

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * Vitest global setup: uses `TEST_DATABASE_URL` when set (CI starts its own server), otherwise starts a throwaway
 * PostgreSQL cluster in a temporary folder on a free port and removes it after the run. Never skips PostgreSQL:
 * without binaries the run fails with a message saying what to install.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('testDatabaseUrl', given);
    return async () => {};
  }
  if (!existsSync(join(PG_BIN, 'initdb')) || !existsSync(join(PG_BIN, 'pg_ctl'))) {
    throw new Error(
      `PostgreSQL is needed by the store and queue tests: set TEST_DATABASE_URL to a server (postgres://user@host:port/db) ` +
        `or install PostgreSQL 15 so that ${PG_BIN}/initdb exists (Debian: apt-get install postgresql-15), ` +
        'or point PG_BIN at its bin folder.',
    );
  }
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: run the cluster as the `postgres` system user when we are root.
  const run = (command: string, args: string[]) => {
    if (asRoot) {
      const line = [command, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
      execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', line], { stdio: 'pipe' });
    } else {
      execFileSync(command, args, { stdio: 'pipe' });
    }
  };
  removeAbandonedClusters(run);
  const dir = mkdtempSync(join(tmpdir(), CLUSTER_PREFIX));
  // Whose cluster this is: a later run removes it if this process died without its teardown (a killed test run).
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
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
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  process.env.TEST_DATABASE_URL = url;
  project.provide('testDatabaseUrl', url);
  return async () => {
    try {
      run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const CLUSTER_PREFIX = 'amojo-bridge-pg-';
const OWNER_FILE = 'owner.pid';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// A test run killed before its teardown (Ctrl-C twice, a CI timeout) leaves its cluster running; stop and remove the
// clusters whose owner process is gone, so killed runs do not pile up servers.
function removeAbandonedClusters(run: (command: string, args: string[]) => void): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(CLUSTER_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue; // not ours, or written by an older version: leave it alone
    }
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    try {
      if (existsSync(join(dir, 'data', 'postmaster.pid')))
        run(join(PG_BIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']);
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
