import type { z } from 'zod';
import { BridgeError } from '../errors.js';

/** Input of an admin request failed validation; `field` names the offending field, the message says what is wrong. */
export class AdminInputError extends BridgeError {
  override readonly name = 'AdminInputError';
  /** Dotted path of the first bad field, e.g. `url` or `query.limit`. */
  readonly field: string;
  /** HTTP status of the answer: 400, or 404 / 409 for an unknown or taken key. */
  readonly status: number;

  constructor(field: string, message: string, status = 400) {
    super('admin_input_invalid', message);
    this.field = field;
    this.status = status;
  }
}

/**
 * Validates `value` against `schema`; throws an {@link AdminInputError} whose message names every bad field
 * (`where` is `body`, `query` or `params`, prefixed to the field path). Values are never echoed: they may be secrets.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : where;
    return { field, text: `${field}: ${issue.message}` };
  });
  throw new AdminInputError(problems[0]?.field ?? where, `Invalid ${where}: ${problems.map((p) => p.text).join('; ')}`);
}
