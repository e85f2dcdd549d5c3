import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

/** What a lock file records about the process that holds it. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** What the process is, e.g. `amojo-bridge start`. */
  readonly command: string;
  /** ISO time the lock was taken. */
  readonly startedAt: string;
  /** Linux only: the boot and the process start tick, so a reused pid (a container restart) is not taken for it. */
  readonly bootId?: string | undefined;
  readonly processStart?: string | undefined;
}

/** Outcome of {@link acquireLockFile}. */
export type LockFileResult =
  | { readonly held: false; readonly lockFile: string; readonly release: () => void }
  | { readonly held: true; readonly holder: LockHolder };

/**
 * Creates `lockFile` holding this process's {@link LockHolder}, atomically (written aside, then hard-linked into
 * place, so nobody ever reads a half-written lock). When it exists and its process is alive, reports the holder; when
 * its process is gone, takes it over.
 */
export function acquireLockFile(lockFile: string, command: string): LockFileResult {
  const me: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    command,
    startedAt: new Date().toISOString(),
    bootId: readProc('/proc/sys/kernel/random/boot_id'),
    processStart: processStartOf(process.pid),
  };
  mkdirSync(dirname(lockFile), { recursive: true });
  const temp = `${lockFile}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, `${JSON.stringify(me)}\n`, { mode: 0o644 });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(temp, lockFile);
        return { held: false, lockFile, release: () => releaseIfOurs(lockFile, me) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const text = readText(lockFile);
      if (text === undefined) continue; // removed between our link and our read: try again
      const holder = parseHolder(text);
      if (holder && isAlive(holder)) return { held: true, holder };
      // A dead holder (or an unreadable lock): remove it unless it changed since we read it, and try again.
      if (readText(lockFile) === text) {
        try {
          unlinkSync(lockFile);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
    }
    const holder = parseHolder(readText(lockFile) ?? '');
    if (holder) return { held: true, holder };
    throw new Error(`could not take the lock ${lockFile}: it keeps changing; is another process starting?`);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
}

function releaseIfOurs(lockFile: string, me: LockHolder): void {
  const holder = parseHolder(readText(lockFile) ?? '');
  if (holder?.pid !== me.pid || holder.startedAt !== me.startedAt) return;
  try {
    unlinkSync(lockFile);
  } catch {
    // removed by hand meanwhile
  }
}

function isAlive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true; // cannot check another machine: assume it runs
  // On Linux the boot id and the process start tick tell a live holder from a reused pid (a restarted container
  // whose bridge is pid 1 again, or an unrelated process that got the number).
  const bootId = readProc('/proc/sys/kernel/random/boot_id');
  if (holder.bootId && bootId && holder.bootId !== bootId) return false;
  if (holder.pid !== process.pid) {
    try {
      process.kill(holder.pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
    }
  }
  const start = processStartOf(holder.pid);
  if (holder.processStart && start && holder.processStart !== start) return false;
  return true;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.hostname !== 'string') return undefined;
    return {
      pid: value.pid,
      hostname: value.hostname,
      command: typeof value.command === 'string' ? value.command : 'unknown command',
      startedAt: typeof value.startedAt === 'string' ? value.startedAt : 'unknown time',
      bootId: value.bootId,
      processStart: value.processStart,
    };
  } catch {
    return undefined;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

// Field 22 of /proc/<pid>/stat: the start time in clock ticks since boot. The command name (field 2) may hold
// spaces and parentheses, so fields are counted after its closing parenthesis.
function processStartOf(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}
