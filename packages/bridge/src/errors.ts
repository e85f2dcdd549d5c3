/**
 * Stable machine-readable codes of {@link BridgeError}. Other modules add their own codes; the `string & {}` arm keeps
 * the known ones autocompleted while letting subclasses declare new ones without editing this file.
 */
export type BridgeErrorCode =
  | 'config_invalid'
  | 'store_unsupported_url'
  | 'store_migration_failed'
  | 'decryption_failed'
  | 'encryption_key_invalid'
  | (string & {});

/** Base class of every error the bridge throws. Branch on `code` or on the subclass. */
export class BridgeError extends Error {
  override readonly name: string = 'BridgeError';
  /** Stable machine-readable code. */
  readonly code: BridgeErrorCode;

  constructor(code: BridgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Configuration is invalid; `variable` names the environment variable (or config file key) at fault. */
export class BridgeConfigError extends BridgeError {
  override readonly name = 'BridgeConfigError';
  /** Every problem found, one entry per variable, so a user fixes them all at once. */
  readonly issues: readonly BridgeConfigIssue[];

  constructor(issues: readonly BridgeConfigIssue[], options?: { cause?: unknown }) {
    super('config_invalid', formatIssues(issues), options);
    this.issues = issues;
  }
}

/** One invalid configuration value: where it came from and what was expected (never the value itself). */
export interface BridgeConfigIssue {
  /** Environment variable name, or `<key> in <file>` for a config file value. */
  readonly variable: string;
  /** What is expected, e.g. "a UUID" or "an integer between 1 and 65535". */
  readonly expected: string;
}

/** Encrypted data could not be decrypted: wrong key, or the stored bytes were altered. */
export class BridgeDecryptionError extends BridgeError {
  override readonly name = 'BridgeDecryptionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('decryption_failed', message, options);
  }
}

function formatIssues(issues: readonly BridgeConfigIssue[]): string {
  const lines = issues.map((issue) => `${issue.variable}: expected ${issue.expected}`);
  return `Invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`;
}
