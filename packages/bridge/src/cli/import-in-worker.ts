import { Worker } from 'node:worker_threads';
import { lineProgress, terminalProgress } from '../import/index.js';
import { EXIT } from './cli-io.js';
import type { ImportCommandOptions } from './import-command.js';
import type { ImportWorkerCommand, ImportWorkerData, ImportWorkerMessage } from './import-worker-protocol.js';

/** Default heap cap of an import, MB: the live data of a 1,000,000-message import is far below it (BENCHMARKS.md). */
export const IMPORT_DEFAULT_MAX_HEAP_MB = 128;

/** Young-generation cap of the import thread, MB: small, so V8 collects short-lived objects before RSS grows. */
const YOUNG_GENERATION_MB = 8;

/**
 * Runs `amojo-bridge import` in a worker thread whose V8 heap is capped (`resourceLimits`). V8 otherwise sizes the
 * heap to the allocation rate and collects lazily, so a fast import's RSS followed its send rate (311 MB peak at
 * 1,900 msg/s with 20 MB of live data). A thread, not a child process: a SIGKILL of the CLI ends the import with it,
 * so a resumed run never races an orphan. Past the cap the thread stops (what was sent is saved, as after Ctrl-C) and
 * the message names the option that raises it.
 */
export function runImportInWorker(
  options: Omit<ImportCommandOptions, 'progress'>,
  maxHeapMb: number = IMPORT_DEFAULT_MAX_HEAP_MB,
): Promise<number> {
  const { io, ...rest } = options;
  const data: ImportWorkerData = { options: rest, env: { ...io.env } };
  const worker = new Worker(new URL('./import-worker.js', import.meta.url), {
    workerData: data,
    // Variables are passed in workerData; the thread's own process.env stays a copy.
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    stdout: false,
    stderr: false,
  });
  const progress = io.terminal ? terminalProgress(io.terminal) : lineProgress(io.stderr);
  const unsubscribe = io.onShutdownSignal?.((signal) => {
    const command: ImportWorkerCommand = { type: 'stop', signal };
    worker.postMessage(command);
  });
  return new Promise<number>((resolve) => {
    let code: number | undefined;
    let failure: Error | undefined;
    worker.on('message', (message: ImportWorkerMessage) => {
      if (message.type === 'stdout') io.stdout(message.text);
      else if (message.type === 'stderr') io.stderr(message.text);
      else if (message.type === 'progress') progress.update(message.progress);
      else if (message.type === 'progress-stop') progress.stop();
      else if (message.type === 'done') code = message.code;
    });
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('exit', () => {
      unsubscribe?.();
      if (code !== undefined) return resolve(code);
      progress.stop();
      io.stderr(`import stopped: ${describeFailure(failure, maxHeapMb)}\n`);
      resolve(EXIT.failed);
    });
  });
}

function describeFailure(error: Error | undefined, maxHeapMb: number): string {
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY')
    return (
      `it needed more memory than --max-heap-mb ${maxHeapMb} allows. What was sent is saved: run the same command ` +
      `again with a larger --max-heap-mb to continue`
    );
  return error ? error.message : 'the import thread ended without a result';
}

/** Parses `--max-heap-mb`: an integer from 32 to 16384, or an error message. */
export function parseMaxHeapMb(value: string | undefined): number | string {
  if (value === undefined) return IMPORT_DEFAULT_MAX_HEAP_MB;
  const mb = Number(value);
  if (!Number.isInteger(mb) || mb < 32 || mb > 16_384) return '--max-heap-mb: expected an integer from 32 to 16384';
  return mb;
}
