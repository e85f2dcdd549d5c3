import type { ImportProgress } from '../import/run-import.js';
import type { ImportCommandOptions } from './import-command.js';

/** What the CLI hands the import worker: the command's options without the io, and the environment. */
export interface ImportWorkerData {
  readonly options: Omit<ImportCommandOptions, 'io' | 'progress'>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Messages from the worker to the CLI, in the order they happened. */
export type ImportWorkerMessage =
  | { readonly type: 'stdout' | 'stderr'; readonly text: string }
  | { readonly type: 'progress'; readonly progress: ImportProgress }
  | { readonly type: 'progress-stop' }
  | { readonly type: 'done'; readonly code: number };

/** Messages from the CLI to the worker. */
export type ImportWorkerCommand = { readonly type: 'stop'; readonly signal: string };
