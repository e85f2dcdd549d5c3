/** What the CLI talks to instead of `process`: output streams, the environment and shutdown signals. */
export interface CliIo {
  /** Writes to standard output (text already ends with a newline where one is meant). */
  readonly stdout: (text: string) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
  /** The environment the configuration is read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Registers `handler` for SIGINT/SIGTERM and returns the function that removes it. Only `start` uses it; without
   * it `start` runs until the process dies.
   */
  readonly onShutdownSignal?: (handler: (signal: string) => void) => () => void;
  /** The terminal progress bars are drawn on (standard error when it is a TTY); absent: plain progress lines. */
  readonly terminal?: NodeJS.WriteStream | undefined;
  /**
   * Runs `import` in a worker thread with a capped heap (`--max-heap-mb`), as the `amojo-bridge` binary does; absent:
   * inline, in the caller's thread (embedding, tests).
   */
  readonly importInWorker?: boolean | undefined;
}

/** Exit codes of `amojo-bridge`. */
export const EXIT = {
  ok: 0,
  /** A command failed at run time (amojo refused, database unreachable). */
  failed: 1,
  /** Bad usage or bad configuration: nothing was attempted. */
  usage: 2,
} as const;
