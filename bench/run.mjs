// `npm run bench`: builds what is stale, measures the figures of issue 6 on loopback, and writes BENCHMARKS.md,
// bench/results.json and docs/relay-latency.svg. Options:
//   --only=intake,relay,webchat   which figures (default all three; add `import` for the optional import figure)
//   --import-messages=N           messages of the import figure (default 1000000), --import-chats=C (default 10000)
//   --engines=sqlite,postgres     which stores (default both)
//   --runs=N                      runs per figure (default 5 for intake, 3 for each relay rate)
//   --chats=N,M                   relay over N, then M conversations (default 50); --rates=a,b,c (default 20,50,100,200)
//   --prefill=0,1000000           before each intake and relay figure, fill the database with N finished jobs and
//                                 hooks (bench/lib/prefill.mjs); one figure per value, compared with the 0 one
//   --profile                     also take one CPU profile per figure (kept out of the recorded runs)
//   --no-write                    print the report only
//   --results=FILE                write the results JSON to FILE only (for before/after comparisons)
//   --report-only                 re-render BENCHMARKS.md from bench/results.json and bench/NOTES.md
// BENCH_BRIDGE_<SETTING>=value in the environment sets a bridge setting for every figure (e.g.
// BENCH_BRIDGE_QUEUE_SETTLE_WINDOW_MS=0), for before/after comparisons of one setting.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? true];
  }),
);
const only = new Set(String(args.only ?? 'intake,relay,webchat').split(','));
const engines = String(args.engines ?? 'sqlite,postgres').split(',');
const profile = Boolean(args.profile);
// `--prefill=a,b`: one figure per value; without it, figures as before (no fill, default maintenance schedule).
const prefills = args.prefill === undefined ? [undefined] : String(args.prefill).split(',').map(Number);
const filledKey = (key, prefill) => (prefill ? `${key}, ${prefill.toLocaleString('en-US')} finished jobs` : key);
const say = (line) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

// `--report-only`: render BENCHMARKS.md again from bench/results.json (after editing bench/NOTES.md), measure nothing.
if (args['report-only']) {
  const { renderReport } = await import('./lib/report.mjs');
  const results = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8'));
  const report = renderReport(results, {
    notesFile: join(ROOT, 'bench', 'NOTES.md'),
    chartPath: 'docs/relay-latency.svg',
  });
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), report);
  say('wrote BENCHMARKS.md from bench/results.json');
  process.exit(0);
}

// Build first: the bench imports the built packages (dist), and `tsc -b` only rebuilds what is stale.
say('building (tsc -b)');
try {
  execFileSync('npx', ['tsc', '-b'], { cwd: ROOT, stdio: 'inherit' });
} catch {
  console.error('bench: the build failed; fix it (npx tsc -b) and run again');
  process.exit(1);
}

const { benchIntake } = await import('./lib/intake.mjs');
const { benchRelay } = await import('./lib/relay.mjs');
const { benchWebchat } = await import('./lib/webchat.mjs');
const { benchImport } = await import('./lib/import.mjs');
const { describeCommit, describeMachine, loadNow } = await import('./lib/machine.mjs');
const { startPostgres } = await import('./lib/postgres.mjs');
const { freePort, IDS, startWorld } = await import('./lib/world.mjs');
const { latencyChart } = await import('./lib/chart.mjs');
const { renderReport } = await import('./lib/report.mjs');
const { comparePrefill } = await import('./lib/prefill-compare.mjs');
const { summarizeCpuProfile } = await import('./lib/cpu-profile.mjs');
const { summarize } = await import('./lib/stats.mjs');

mkdirSync(OUT, { recursive: true });
const started = Date.now();
const machine = describeMachine();
const loads = [loadNow()];
const loadTimer = setInterval(() => loads.push(loadNow()), 5000);
say(
  `machine: ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`,
);

const tmp = mkdtempSync(join(tmpdir(), 'amojo-bridge-bench-'));
let postgres;
const databaseFor = async (engine, name) => {
  if (engine === 'sqlite') return `sqlite:${join(tmp, `${name}.sqlite`)}`;
  postgres ??= await startPostgres();
  return postgres.createDatabase();
};

const results = {
  commit: describeCommit(ROOT),
  date: new Date().toISOString(),
  machine,
  settings: { engines, profile, args },
  intake: {},
  relay: {},
  webchat: { measured: false, reason: 'not selected (--only)' },
  import: {},
  profiles: {},
};

try {
  const port = await freePort();
  if (only.has('intake')) {
    for (const engine of engines)
      for (const prefill of prefills) {
        const sandbox = await startWorld(port);
        try {
          const key = filledKey(engine, prefill);
          const r = await benchIntake({
            engine,
            prefill,
            databaseUrl: await databaseFor(engine, `intake-${prefill ?? 0}`),
            sandboxUrl: sandbox.url,
            port,
            ids: IDS,
            runs: Number(args.runs ?? 5),
            duration: 4,
            connections: 50,
            outDir: OUT,
            say,
            ...(profile ? { profileFile: join(OUT, `intake-${engine}-${prefill ?? 0}.cpuprofile`) } : {}),
          });
          results.intake[key] = { label: key, ...r };
          if (r.profile) results.profiles[`intake, ${key}`] = summarizeCpuProfile(r.profile.file);
        } finally {
          await sandbox.close();
        }
      }
  }
  if (only.has('relay')) {
    const chatCounts = String(args.chats ?? '50')
      .split(',')
      .map(Number);
    const rates = String(args.rates ?? '20,50,100,200')
      .split(',')
      .map(Number);
    for (const engine of engines)
      for (const chats of chatCounts)
        for (const prefill of prefills) {
          // A fresh sandbox per engine, so the chats of one run are not mistaken for the next one's.
          const sandbox = await startWorld(port);
          try {
            const r = await benchRelay({
              engine,
              prefill,
              sandbox,
              ids: IDS,
              port,
              databaseUrl: await databaseFor(engine, `relay-${chats}-${prefill ?? 0}`),
              chats,
              rates,
              runs: Number(args.runs ?? 3),
              duration: 3,
              outDir: OUT,
              say,
              ...(profile ? { profileFile: join(OUT, `relay-${engine}-${chats}-${prefill ?? 0}.cpuprofile`) } : {}),
            });
            const key = filledKey(chats === 50 ? engine : `${engine}, ${chats} conversations`, prefill);
            results.relay[key] = { label: key, ...r };
            if (r.profile)
              results.profiles[`relay at ${r.profile.rate} msg/s, ${key}`] = summarizeCpuProfile(r.profile.file);
          } finally {
            await sandbox.close();
          }
        }
  }
  if (only.has('import')) {
    for (const engine of engines) {
      const sandbox = await startWorld(port);
      try {
        results.import[engine] = await benchImport({
          engine,
          databaseUrl: await databaseFor(engine, 'import'),
          sandbox,
          ids: IDS,
          port,
          messages: Number(args['import-messages'] ?? 1_000_000),
          chats: Number(args['import-chats'] ?? 10_000),
          tmp,
          say,
        });
      } finally {
        await sandbox.close();
      }
    }
  }
  if (only.has('webchat')) {
    results.webchat = await benchWebchat({ root: ROOT, outDir: OUT, say, port, databaseFor });
  }
} finally {
  clearInterval(loadTimer);
  await postgres?.close().catch((error) => say(`postgres cleanup failed: ${error.message}`));
  rmSync(tmp, { recursive: true, force: true });
}

results.elapsedSec = (Date.now() - started) / 1000;
// Each filled figure next to the empty one of the same engine (and conversations): ratios filled / empty.
results.prefill = comparePrefill(results);
results.loadDuringRun = summarize(loads);
results.postgres = postgres ? postgres.source : undefined;

// A run without the import figure keeps the previous one (it is optional and slow).
if (!only.has('import') && existsSync(join(ROOT, 'bench', 'results.json'))) {
  try {
    const previous = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8'));
    if (previous.import && Object.keys(previous.import).length) results.import = previous.import;
  } catch {
    // an unreadable previous file only loses the old import figure
  }
}

// A run without --profile keeps the previous profiles (they name the commit they were taken on).
const resultsFile = join(ROOT, 'bench', 'results.json');
if (!profile && existsSync(resultsFile)) {
  try {
    const previous = JSON.parse(readFileSync(resultsFile, 'utf8'));
    if (previous.profiles && Object.keys(previous.profiles).length) {
      results.profiles = Object.fromEntries(
        Object.entries(previous.profiles).map(([k, v]) => [
          k.includes('commit') ? k : `${k} (commit ${previous.commit})`,
          v,
        ]),
      );
    }
  } catch {
    // an unreadable previous file only loses the old profiles
  }
}

const chartPath = 'docs/relay-latency.svg';
const series = [];
for (const r of Object.values(results.relay)) {
  for (const direction of ['inbound', 'outbound']) {
    const d = r[direction];
    const points = (key) => [
      ...d.fixed.filter((f) => !f.skipped).map((f) => [f.rate, f[key].median]),
      ...d.steps.map((s) => [s.rate, s[key]]),
    ];
    series.push({ label: `${r.label ?? r.engine} ${direction} p50`, points: points('p50Ms') });
    series.push({ label: `${r.label ?? r.engine} ${direction} p99`, points: points('p99Ms'), dashed: true });
  }
}
const svg = latencyChart({
  title: 'amojo-bridge relay latency against offered rate',
  subtitle: `commit ${results.commit}, ${results.date.slice(0, 16)}Z, ${machine.cores} cores, load ${machine.loadAverageAtStart[0]} at start`,
  series,
});
// A results file is written before the report is rendered, so a report bug never loses a long run's figures.
if (typeof args.results === 'string') {
  writeFileSync(args.results, `${JSON.stringify(results, null, 2)}\n`);
  say(`wrote ${args.results}`);
}
const report = renderReport(results, { notesFile: join(ROOT, 'bench', 'NOTES.md'), chartPath });
if (typeof args.results === 'string') {
  // written above
} else if (args['no-write']) {
  console.log(report);
} else {
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  if (series.length) writeFileSync(join(ROOT, chartPath), svg);
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), report);
  say(
    `wrote BENCHMARKS.md, bench/results.json${series.length ? `, ${chartPath}` : ''} in ${Math.round(results.elapsedSec)} s`,
  );
}
process.exit(0);
