import cliProgress from 'cli-progress';
import type { ImportProgress } from './run-import.js';

/** Where progress goes: a bar redrawn in place on a terminal, plain lines every few seconds otherwise. */
export interface ProgressOutput {
  update(progress: ImportProgress): void;
  stop(): void;
}

const rate = (done: number, startedAt: number, now: number): number =>
  now > startedAt ? (done * 1000) / (now - startedAt) : 0;

function eta(remaining: number, perSecond: number): string {
  if (perSecond <= 0) return '?';
  const s = Math.round(remaining / perSecond);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A cli-progress bar with messages/s and ETA (cli-progress computes both over a moving window). */
export function terminalProgress(stream: NodeJS.WriteStream): ProgressOutput {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        ' {phase} [{bar}] {percentage}% | {value}/{total} msg | {speed} msg/s | ETA {eta_formatted} | failed {failed}',
      hideCursor: true,
      etaBuffer: 200,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let phase = '';
  let startedAt = Date.now();
  return {
    update(p) {
      if (p.phase === 'scanning') {
        if (phase !== 'scanning') stream.write(' scanning the file...\n');
        phase = 'scanning';
        return;
      }
      if (!started) {
        started = true;
        startedAt = Date.now();
        bar.start(Math.max(p.total, 1), 0, { phase: 'sending', speed: '0', failed: 0 });
      }
      phase = p.phase;
      bar.update(p.done, { phase: p.phase, speed: rate(p.done, startedAt, Date.now()).toFixed(0), failed: p.failed });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** One line every `everyMs` (logs, CI, the admin API's job): "import: 50000/1000000 (5.0%), 1234 msg/s, ETA 12m50s". */
export function lineProgress(write: (line: string) => void, everyMs = 5000): ProgressOutput {
  let last = 0;
  let startedAt = 0;
  return {
    update(p) {
      const t = Date.now();
      if (p.phase === 'sending' && startedAt === 0) startedAt = t;
      if (t - last < everyMs) return;
      last = t;
      if (p.phase === 'scanning') {
        write(`import: scanning, ${p.done} items read\n`);
        return;
      }
      const perSecond = rate(p.done, startedAt, t);
      const pct = p.total > 0 ? ((100 * p.done) / p.total).toFixed(1) : '100.0';
      write(
        `import: ${p.done}/${p.total} (${pct}%), ${perSecond.toFixed(0)} msg/s, ETA ${eta(p.total - p.done, perSecond)}, sent ${p.sent}, duplicates ${p.duplicates}, failed ${p.failed}\n`,
      );
    },
    stop() {},
  };
}
