#!/usr/bin/env node
import { runCli } from './run-cli.js';

// A thin shell: everything testable lives in runCli; this file only wires the process to it.
const { exitCode, sandbox } = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
if (!sandbox) process.exit(exitCode);
const stop = () => void sandbox.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
