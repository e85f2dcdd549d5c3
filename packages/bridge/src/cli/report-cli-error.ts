import { BridgeConfigError } from '../errors.js';
import { DataLockedError } from '../store/sqlite/owner-lock.js';
import { type CliIo, EXIT } from './cli-io.js';

/**
 * Prints an error a command threw and gives its exit code: bad configuration and a data folder another process holds
 * are bad usage (their messages say what to fix), anything else a run-time failure.
 */
export function reportCliError(error: unknown, io: Pick<CliIo, 'stderr'>): number {
  if (error instanceof BridgeConfigError || error instanceof DataLockedError) {
    io.stderr(`${error.message}\n`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`amojo-bridge: ${message}\n`);
  return EXIT.failed;
}
