import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceWorld, type ServiceWorld, waitFor } from './support/service-harness.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Spawned {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnCli(args: string[], env: Readonly<Record<string, string>>): Spawned {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: ROOT });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exit };
}

describe('the built amojo-bridge CLI', () => {
  let world: ServiceWorld;

  beforeAll(async () => {
    if (!existsSync(CLI)) execFileSync('npx', ['tsc', '-b'], { cwd: ROOT, stdio: 'pipe' });
    world = await createServiceWorld('sqlite');
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('is an executable node script with a shebang that prints its version', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    const run = spawnCli(['--version'], {});
    expect((await run.exit).code).toBe(0);
    expect(run.output().trim()).toBe('0.1.0');
  });

  it('exits 2 naming the bad variable', async () => {
    const run = spawnCli(['start'], { ...world.env, AMOJO_CHANNEL_ID: 'not-a-uuid' });
    expect((await run.exit).code).toBe(2);
    expect(run.output()).toMatch(/AMOJO_CHANNEL_ID: expected the channel id, a UUID/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`starts, serves, and stops gracefully on ${signal}`, async () => {
      const run = spawnCli(['start'], world.env);
      try {
        await waitFor(() => run.output().includes('listening on'), 30_000);
        expect(run.output()).toContain(`amojo-bridge listening on http://127.0.0.1:${world.port}`);
        const ready = await fetch(`http://127.0.0.1:${world.port}/readyz`);
        expect(ready.status).toBe(200);
        run.child.kill(signal);
        const exit = await run.exit;
        expect(exit).toEqual({ code: 0, signal: null });
        expect(run.output()).toContain(`${signal}: stopping`);
        expect(run.output()).toContain('amojo-bridge stopped');
      } finally {
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
      }
    });
  }
});
