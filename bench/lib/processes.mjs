import { fork } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';

const SERVER = new URL('./server-process.mjs', import.meta.url).pathname;

/**
 * The bridge settings given to the bench as `BENCH_BRIDGE_<NAME>=value` (e.g. `BENCH_BRIDGE_QUEUE_CONCURRENCY=32`),
 * without the prefix: a before/after comparison of one setting without editing the bench. They override the
 * figure's own settings.
 */
export function bridgeEnvOverrides(source = process.env) {
  const prefix = 'BENCH_BRIDGE_';
  return Object.fromEntries(
    Object.entries(source)
      .filter(([name]) => name.startsWith(prefix) && name.length > prefix.length)
      .map(([name, value]) => [name.slice(prefix.length), value]),
  );
}

/**
 * Forks `server-process.mjs` (`bare` or `bridge`), starts it and resolves a handle once it listens. Its stdout and
 * stderr (the bridge's log lines) go to `logFile`.
 */
export async function startServer({ mode, env: figureEnv = {}, worker = false, logFile }) {
  const env = mode === 'bridge' ? { ...figureEnv, ...bridgeEnvOverrides() } : figureEnv;
  const out = openSync(logFile, 'w');
  const child = fork(SERVER, [mode], { stdio: ['ignore', out, out, 'ipc'] });
  const waiters = [];
  let exited = false;
  child.on('message', (message) => {
    const index = waiters.findIndex((w) => w.type === message.type || message.type === 'error');
    if (index < 0) return;
    const [waiter] = waiters.splice(index, 1);
    if (message.type === 'error') waiter.reject(new Error(`${mode} server: ${message.message}`));
    else waiter.resolve(message);
  });
  const exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      for (const w of waiters.splice(0))
        w.reject(new Error(`${mode} server exited (${code ?? signal}); see ${logFile}`));
      resolve(code);
    });
  });
  const call = (message, replyType, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`${mode} server is not running; see ${logFile}`));
      const timer = setTimeout(
        () => reject(new Error(`${mode} server: no ${replyType} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiters.push({
        type: replyType,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send(message);
    });
  const ready = await call({ type: 'start', env, worker }, 'ready');
  return {
    url: ready.url,
    pid: child.pid,
    /** Connects the account (and an http channel instance when given); resolves the scope id. */
    async setup(input) {
      return (await call({ type: 'setup', ...input }, 'setup-done')).scopeId;
    },
    /** Fills the database with `rows` finished jobs and hooks (bench/lib/prefill.mjs); resolves what it wrote. */
    async prefill(input) {
      const { type: _type, ...filled } = await call({ type: 'prefill', ...input }, 'prefill-done', 3_600_000);
      return filled;
    },
    /** Resident memory, heap, and (with `queue`) jobs queued or running. */
    stats(queue = false) {
      return call({ type: 'stats', queue }, 'stats');
    },
    /** Starts sampling the CPU (V8 profiler through node:inspector, 200 µs interval). */
    async profileStart() {
      await call({ type: 'profile-start' }, 'profile-started');
    },
    /** Stops sampling and writes the `.cpuprofile` (open it in Chrome DevTools, or summarise it). */
    async profileStop(file) {
      await call({ type: 'profile-stop', file }, 'profile-stopped');
      return file;
    },
    /** Graceful stop; resolves when the process has exited. */
    async stop() {
      if (!exited) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Log file path for one server in the output folder. */
export function logPath(outDir, name) {
  return join(outDir, `${name}.log`);
}
