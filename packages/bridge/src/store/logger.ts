/** A pino-compatible log method: structured fields first, then a short message. */
export type LogMethod = (fields: object, message?: string) => void;

/** The subset of a pino logger the store and the queue use; every method is optional (silent when missing). */
export interface Logger {
  readonly debug?: LogMethod;
  readonly info?: LogMethod;
  readonly warn?: LogMethod;
  readonly error?: LogMethod;
}
