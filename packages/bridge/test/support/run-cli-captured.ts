import { type CliIo, type RunCliOptions, runCli } from '../../src/cli/index.js';

/** One in-process CLI run: its exit code and everything it printed. */
export interface CapturedCliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `amojo-bridge <argv>` in-process with `env`, capturing standard output and error. */
export async function runCliCaptured(
  argv: readonly string[],
  env: CliIo['env'],
  options: RunCliOptions = {},
): Promise<CapturedCliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      env,
    },
    options,
  );
  return { code, stdout, stderr };
}

/** `--set key=value` arguments of `channels add`, one pair per setting, in order. */
export function cliSettings(settings: Readonly<Record<string, string>>): string[] {
  return Object.entries(settings).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
}

/** `amojo-bridge start` run in-process (see {@link startCliCaptured}). */
export interface CapturedCliStart {
  /** Resolves with the exit code once the command returns. */
  readonly exited: Promise<number>;
  /** Everything printed to standard output so far. */
  stdout(): string;
  /** Delivers a shutdown signal (`SIGTERM`, `SIGINT`) to the command, as the process would. */
  signal(name: string): void;
}

/** Runs `amojo-bridge start` in-process with `env`, capturing standard output and taking its shutdown handler. */
export function startCliCaptured(env: CliIo['env']): CapturedCliStart {
  let stdout = '';
  let handler: ((name: string) => void) | undefined;
  const exited = runCli(['start'], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: () => undefined,
    env,
    onShutdownSignal(registered) {
      handler = registered;
      return () => undefined;
    },
  });
  return {
    exited,
    stdout: () => stdout,
    signal(name) {
      if (!handler) throw new Error(`startCliCaptured: ${name} before start registered its shutdown handler`);
      handler(name);
    },
  };
}
