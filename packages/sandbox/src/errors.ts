/** Base class of every error the sandbox raises itself; `code` is stable, the message says what to fix. */
export class SandboxError extends Error {
  readonly code: string;
  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SandboxError';
    this.code = options.code;
  }
}

/** A Chats API call the sandbox refuses: carries the HTTP status and amojo's error envelope fields (spec 3.0). */
export class AmojoRequestError extends SandboxError {
  readonly status: number;
  readonly errorType: string;
  /** Detailed reason for the `X-Sandbox-Reason` header, when the public description is terse. */
  readonly reason: string | undefined;
  constructor(status: number, errorType: string, description: string, reason?: string) {
    super(description, { code: errorType });
    this.name = 'AmojoRequestError';
    this.status = status;
    this.errorType = errorType;
    this.reason = reason;
  }
}

/** A control API call the sandbox refuses; answered as `{ error }` with `status`. */
export class ControlRequestError extends SandboxError {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message, { code: 'CONTROL_REQUEST' });
    this.name = 'ControlRequestError';
    this.status = status;
  }
}

/** Builds the 400 error amojo-style validation failures get. */
export function invalidRequest(description: string): AmojoRequestError {
  return new AmojoRequestError(400, 'INVALID_REQUEST', description);
}
