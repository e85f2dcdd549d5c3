import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { round } from './stats.mjs';

const CLI = fileURLToPath(new URL('../../packages/bridge/dist/cli.js', import.meta.url));
const GENERATOR = fileURLToPath(new URL('../../packages/bridge/scripts/generate-import-jsonl.mjs', import.meta.url));

/** Resident set size of a process in MB (Linux /proc), or undefined once it is gone. */
function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

// Asynchronous: the sandbox answering these commands runs in this process.
async function cli(env, args) {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
  return stdout;
}

/**
 * Runs `amojo-bridge import` as a child process, sampling its RSS every 200 ms and the sandbox's message count;
 * `killAt` (a message count) SIGKILLs it once the sandbox holds that many. Resolves with what was seen.
 */
function runImport({ env, file, instance, sandbox, killAt, concurrency, say }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const before = sandbox.state.messages.size;
    const child = spawn(
      process.execPath,
      [
        CLI,
        'import',
        file,
        '--instance',
        instance,
        '--concurrency',
        String(concurrency),
        // IMPORT_MAX_HEAP_MB: the import thread's heap cap (default: the CLI's own), for before/after comparisons.
        ...(process.env.IMPORT_MAX_HEAP_MB ? ['--max-heap-mb', process.env.IMPORT_MAX_HEAP_MB] : []),
      ],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const samples = [];
    let firstNewAt;
    let killed = false;
    let lastSaid = started;
    const timer = setInterval(() => {
      const mb = rssMb(child.pid);
      const count = sandbox.state.messages.size;
      if (mb !== undefined) samples.push({ t: Date.now() - started, rssMb: mb, inSandbox: count });
      // A line a minute, so a run stopped before its end (a 1M import takes hours on a shared machine) still
      // leaves its throughput and memory on record.
      if (say && Date.now() - lastSaid >= 60_000) {
        lastSaid = Date.now();
        const peakSoFar = Math.max(0, ...samples.map((s) => s.rssMb));
        say(
          `import progress: ${count} in the sandbox after ${round((lastSaid - started) / 1000)} s, ${round((count - before) / ((lastSaid - started) / 1000))} msg/s, RSS ${round(mb ?? 0)} MB (peak ${round(peakSoFar)} MB)`,
        );
      }
      if (firstNewAt === undefined && count > before) firstNewAt = Date.now() - started;
      if (killAt !== undefined && !killed && count >= killAt) {
        killed = true;
        child.kill('SIGKILL');
      }
    }, 200);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      resolve({
        code,
        signal,
        out,
        samples,
        elapsedMs: Date.now() - started,
        firstNewAtMs: firstNewAt,
        sent: sandbox.state.messages.size - before,
      });
    });
  });
}

const num = (out, re) => Number(re.exec(out)?.[1] ?? Number.NaN);

/**
 * The import figure of issue 13: N messages across C chats (a generated JSON Lines file) into the sandbox through
 * the real CLI, SIGKILLed once half are in the sandbox, then run again to the end. Reports msg/s of both runs, the
 * time the resumed run took to send its first new message, peak RSS and RSS at each quarter (flatness), and the
 * exactly-once check: the sandbox holds N messages with N distinct msgids.
 */
export async function benchImport({
  engine,
  databaseUrl,
  sandbox,
  ids,
  port,
  messages,
  chats,
  tmp,
  say,
  concurrency = 8,
}) {
  const file = join(tmp, `import-${messages}.jsonl`);
  say(`import ${engine}: generating ${messages} messages across ${chats} chats`);
  const genStarted = Date.now();
  execFileSync(process.execPath, [
    GENERATOR,
    '--out',
    file,
    '--messages',
    String(messages),
    '--chats',
    String(chats),
    '--manager',
    ids.managerId,
  ]);
  const env = {
    PATH: process.env.PATH ?? '',
    AMOJO_CHANNEL_ID: ids.channelId,
    AMOJO_CHANNEL_SECRET: ids.channelSecret,
    AMOJO_BASE_URL: sandbox.url,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    AMOJO_CHANNEL_BOT_ID: ids.botId,
    AMOJO_CHANNEL_BOT_NAME: 'Bench bot',
    ...(process.env.IMPORT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.IMPORT_NODE_OPTIONS } : {}),
  };
  await cli(env, ['connect', '--account-id', ids.accountId]);
  const instance = /instance: (\S+)/.exec(
    await cli(env, ['channels', 'add-http', '--name', 'import bench', '--url', 'http://127.0.0.1:9/unused']),
  )?.[1];
  if (!instance) throw new Error('bench import: creating the http instance failed');
  say(
    `import ${engine}: first run, SIGKILL at ${messages / 2} messages in the sandbox (generated in ${round((Date.now() - genStarted) / 1000)} s)`,
  );
  const first = await runImport({ env, file, instance, sandbox, killAt: Math.floor(messages / 2), concurrency, say });
  say(
    `import ${engine}: killed after ${round(first.elapsedMs / 1000)} s with ${sandbox.state.messages.size} in the sandbox; resuming`,
  );
  const second = await runImport({ env, file, instance, sandbox, concurrency, say });
  if (second.code !== 0)
    throw new Error(`bench import: the resumed run failed (${second.code}): ${second.out.slice(-2000)}`);
  const clientIds = new Set();
  for (const m of sandbox.state.messages.values()) clientIds.add(m.clientMsgId);
  const quarter = (run, q) => {
    const target = q * messages;
    return run.samples.find((s) => s.inSandbox >= target)?.rssMb;
  };
  const peak = (run) => Math.max(0, ...run.samples.map((s) => s.rssMb));
  const summary = second.out;
  const result = {
    engine,
    messages,
    chats,
    concurrency,
    first: {
      elapsedSec: round(first.elapsedMs / 1000),
      inSandboxAtKill: first.sent,
      // The scan (one read of the file) is part of the elapsed time: msg/s is end to end.
      messagesPerSec: round(first.sent / (first.elapsedMs / 1000)),
      peakRssMb: round(peak(first)),
      rssAtQuarterMb: round(quarter(first, 0.25) ?? Number.NaN),
      rssAtHalfMb: round(quarter(first, 0.5) ?? peak(first)),
    },
    resumed: {
      elapsedSec: round(second.elapsedMs / 1000),
      firstNewMessageAfterSec: second.firstNewAtMs === undefined ? null : round(second.firstNewAtMs / 1000),
      sent: num(summary, /^ {2}sent: (\d+)$/m),
      duplicates: num(summary, /already in amojo \(sent before a crash, not posted twice\): (\d+)/),
      alreadyImported: num(summary, /already imported by an earlier run: (\d+)/),
      messagesPerSec: round(second.sent / (second.elapsedMs / 1000)),
      peakRssMb: round(peak(second)),
      rssAtThreeQuartersMb: round(quarter(second, 0.75) ?? Number.NaN),
    },
    inSandbox: sandbox.state.messages.size,
    distinctMsgids: clientIds.size,
    exactlyOnce: sandbox.state.messages.size === messages && clientIds.size === messages,
  };
  say(`import ${engine}: ${JSON.stringify(result)}`);
  return result;
}
