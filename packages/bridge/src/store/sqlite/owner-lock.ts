import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { BridgeError } from '../../errors.js';
import { acquireLockFile, type LockHolder } from './lock-file.js';

/** A second process tried to open a database (or data folder) that a live process owns. */
export class DataLockedError extends BridgeError {
  override readonly name = 'DataLockedError';
  /** The process that holds the lock, as it recorded itself. */
  readonly holder: LockHolder;

  constructor(target: string, holder: LockHolder) {
    const where = holder.hostname === hostname() ? '' : ` on host ${holder.hostname}`;
    super(
      'store_locked',
      `${target} is in use by process ${holder.pid}${where} (${holder.command}, since ${holder.startedAt}). ` +
        'One process owns an SQLite database: stop that process first, or point this one at another file ' +
        '(DATABASE_URL), or use PostgreSQL to run several bridges on one database.',
    );
    this.holder = holder;
  }
}

/** Held ownership of one file; `release()` removes the lock file if it is still ours. */
export interface OwnerLock {
  readonly lockFile: string;
  release(): void;
}

/**
 * Takes ownership of `target` through `<target>.lock` (pid, host, command, start time), or throws
 * {@link DataLockedError} naming the live process that holds it. A lock left by a process that died (SIGKILL, power
 * loss) is taken over.
 */
export function acquireOwnerLock(target: string, command: string): OwnerLock {
  const result = acquireLockFile(`${target}.lock`, command);
  if (result.held) throw new DataLockedError(target, result.holder);
  return { lockFile: result.lockFile, release: result.release };
}

/** Reads who holds `<target>.lock`, or undefined when nobody does (for messages and tests). */
export function readOwnerLock(target: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(`${target}.lock`, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}
