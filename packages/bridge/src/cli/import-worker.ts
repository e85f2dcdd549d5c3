import { parentPort, workerData } from 'node:worker_threads';
import { runImportCommand } from './import-command.js';
import type { ImportWorkerCommand, ImportWorkerData, ImportWorkerMessage } from './import-worker-protocol.js';
import { reportCliError } from './report-cli-error.js';

// The import's own thread (see import-in-worker.ts): runs the command with an io that posts everything to the CLI,
// which owns the terminal, the signals and the exit code.
if (!parentPort) throw new Error('import-worker.js runs only as a worker thread of the amojo-bridge CLI');
const port = parentPort;
const data = workerData as ImportWorkerData;
const post = (message: ImportWorkerMessage) => port.postMessage(message);

const io = {
  stdout: (text: string) => post({ type: 'stdout', text }),
  stderr: (text: string) => post({ type: 'stderr', text }),
};

let code: number;
try {
  code = await runImport();
} catch (error) {
  code = reportCliError(error, io);
}
post({ type: 'done', code });

function runImport(): Promise<number> {
  return runImportCommand({
    ...data.options,
    io: {
      ...io,
      env: data.env,
      onShutdownSignal(handler) {
        const onMessage = (command: ImportWorkerCommand) => {
          if (command.type === 'stop') handler(command.signal);
        };
        port.on('message', onMessage);
        return () => port.off('message', onMessage);
      },
    },
    progress: {
      update: (progress) => post({ type: 'progress', progress }),
      stop: () => post({ type: 'progress-stop' }),
    },
  });
}
