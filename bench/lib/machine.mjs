import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

/** The machine a run was measured on, and how busy it was when the run started. */
export function describeMachine() {
  const cores = cpus();
  return {
    cores: cores.length,
    cpuModel: cores[0]?.model?.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** Current 1-minute load average. */
export function loadNow() {
  return Math.round(loadavg()[0] * 100) / 100;
}

/** Short commit id of the working tree, with `+dirty` when bench-relevant sources have uncommitted changes. */
export function describeCommit(cwd) {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages/*/src', 'bench'], { cwd })
      .toString()
      .trim();
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return 'unknown';
  }
}
