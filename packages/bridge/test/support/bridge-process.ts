import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The built CLI the crash tests run (`npx tsc -b` builds it). */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Counts how often a sequence decreases (0 when it is in order). */
export function inversions(seqs: readonly number[]): number {
  let count = 0;
  for (let i = 1; i < seqs.length; i++) if (seqs[i]! < seqs[i - 1]!) count++;
  return count;
}

/** Polls `check` until truthy or `timeoutMs` passes. */
export async function waitUntil<T>(
  check: () => Promise<T | false | undefined> | T | false | undefined,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `amojo-bridge start` as a child process (see {@link bridgeProcess}). */
export type BridgeProcess = ReturnType<typeof bridgeProcess>;

/** `amojo-bridge start` as a child process that can be killed (SIGKILL) and started again. */
export function bridgeProcess(env: Readonly<Record<string, string>>) {
  let child: ChildProcess | undefined;
  let output = '';
  let starts = 0;
  return {
    async start(): Promise<void> {
      // The port was reserved by freePort (below the ephemeral range, so no outgoing connection takes it while the
      // bridge is down); a start that fails says why with the bridge's own output.
      const mark = output.length;
      starts++;
      const spawned = spawn(process.execPath, [CLI, 'start'], {
        env: { PATH: process.env.PATH ?? '', ...env },
        cwd: ROOT,
      });
      child = spawned;
      const append = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.length > 2_000_000) output = output.slice(-1_000_000);
      };
      spawned.stdout.on('data', append);
      spawned.stderr.on('data', append);
      await waitUntil(() => output.slice(mark).includes('listening on') || spawned.exitCode !== null, 60_000);
      if (spawned.exitCode !== null) {
        throw new Error(`bridge exited at start (${spawned.exitCode}):\n${output.slice(-4000)}`);
      }
    },
    async kill(): Promise<void> {
      const current = child;
      if (!current || current.exitCode !== null) return;
      const exited = new Promise((resolve) => current.once('exit', resolve));
      current.kill('SIGKILL');
      await exited;
    },
    async stop(): Promise<number | null> {
      const current = child;
      if (!current || current.exitCode !== null) return current?.exitCode ?? null;
      const exited = new Promise<number | null>((resolve) => current.once('exit', (code) => resolve(code)));
      current.kill('SIGTERM');
      return exited;
    },
    output: () => output,
    starts: () => starts,
  };
}
