export { type CliIo, EXIT } from './cli-io.js';
export { type RunCliOptions, runCli } from './run-cli.js';
