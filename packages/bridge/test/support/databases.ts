import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { StoreDialect } from '../../src/store/store.js';

/** Every engine the store and queue suites run on; neither is ever skipped. */
export const ENGINES: readonly StoreDialect[] = ['sqlite', 'postgres'];

/** A database created for one test file, and how to remove it. */
export interface TestDatabase {
  readonly engine: StoreDialect;
  readonly databaseUrl: string;
  drop(): Promise<void>;
}

/** Admin URL of the test PostgreSQL server (from the global setup or `TEST_DATABASE_URL`). */
export function testPostgresUrl(): string {
  const url = inject('testDatabaseUrl') ?? process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('No PostgreSQL for tests: the global setup did not provide testDatabaseUrl');
  return url;
}

/**
 * Creates an empty database: a temporary SQLite file, or a fresh PostgreSQL database with a unique name on the
 * test server (so parallel test files and other developers' runs never share tables).
 */
export async function createTestDatabase(engine: StoreDialect): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'amojo-bridge-sqlite-'));
    return {
      engine,
      databaseUrl: `sqlite:${join(dir, 'nested', 'bridge.sqlite')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const adminUrl = testPostgresUrl();
  const name = `amojo_bridge_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    engine,
    databaseUrl: url.toString(),
    drop: () => withAdmin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)),
  };
}

async function withAdmin(adminUrl: string, fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}
