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
