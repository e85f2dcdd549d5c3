export { type CliIo, EXIT } from './cli-io.js';
export { runCli } from './run-cli.js';
