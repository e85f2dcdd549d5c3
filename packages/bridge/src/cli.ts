#!/usr/bin/env node
import { runCli } from './cli/index.js';

// The only place that touches `process`: arguments, environment, signals and the exit code.
const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  importInWorker: true,
  ...(process.stderr.isTTY ? { terminal: process.stderr } : {}),
  onShutdownSignal(handler) {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      // A second signal while stopping means "now": give up on the graceful stop.
      if (received) process.exit(130);
      received = true;
      handler(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  },
});
process.exitCode = code;
