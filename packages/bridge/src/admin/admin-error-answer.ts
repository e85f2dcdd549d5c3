import { AmojoApiError, AmojoInputError, AmojoNetworkError, AmojoTimeoutError } from '@amojo-bridge/sdk';
import { BridgeError } from '../errors.js';
import type { ErrorAnswer } from '../http/error-answer.js';
import { AdminInputError } from './parse-input.js';

/** The logger the admin mapping warns with (a request's). */
interface AdminLog {
  warn(obj: object, msg?: string): void;
}

const BRIDGE_ERROR_STATUS: Readonly<Record<string, number>> = {
  account_unknown: 404,
  instance_unknown: 404,
  amocrm_no_tokens: 409,
};

/**
 * The admin API's own answers (invalid input, amojo refused or unreachable, our errors by code); undefined leaves
 * the error to the shared mapping (`http/error-answer.ts`). Messages of our own errors are safe to show (they never
 * hold secrets, STYLE.md "Errors").
 */
export function adminErrorAnswer(error: unknown, log: AdminLog): ErrorAnswer | undefined {
  if (error instanceof AdminInputError) {
    if (error.status === 404) return { status: 404, body: { error: 'not_found', message: error.message } };
    if (error.status === 409) {
      return { status: 409, body: { error: 'conflict', field: error.field, message: error.message } };
    }
    return { status: 400, body: { error: 'invalid_input', field: error.field, message: error.message } };
  }
  if (error instanceof AmojoApiError) {
    log.warn({ event: 'admin_amojo_refused', status: error.status, code: error.code }, error.message);
    return { status: 502, body: { error: 'amojo_refused', status: error.status, message: error.message } };
  }
  if (error instanceof AmojoInputError)
    return { status: 400, body: { error: 'invalid_input', message: error.message } };
  if (error instanceof AmojoNetworkError || error instanceof AmojoTimeoutError) {
    log.warn({ event: 'admin_amojo_unreachable', code: error.code }, error.message);
    return { status: 502, body: { error: 'amojo_unreachable', message: error.message } };
  }
  if (error instanceof BridgeError) {
    return { status: BRIDGE_ERROR_STATUS[error.code] ?? 400, body: { error: error.code, message: error.message } };
  }
  return undefined;
}
