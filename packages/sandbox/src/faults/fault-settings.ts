import { SandboxError } from '../errors.js';

/** Fault injection settings as given by a caller; every field is optional. */
export interface FaultSettingsInput {
  /** Share of hooks logged as dropped and never sent, 0..1. */
  readonly hookDropRate?: number;
  /** Delay before each hook is sent: a fixed number of ms or a `[min, max]` range. */
  readonly hookDelayMs?: number | readonly [number, number];
  /** Share of `/v2/**`, `/api/v4/**` and `/oauth2/**` calls answered with a failure status, 0..1. */
  readonly apiFailureRate?: number;
  /** Statuses a failed call gets, picked at random; default `[500, 502, 429]`. */
  readonly apiFailureStatuses?: readonly number[];
  /** Share of API calls that hang, 0..1. */
  readonly apiHangRate?: number;
  /** How long a hung call is held before it is answered 504; default 30000 ms. */
  readonly apiHangMs?: number;
  /** `Retry-After` seconds sent with an injected 429 or 503; default 1. */
  readonly retryAfterSeconds?: number;
  /** Seed of the fault PRNG; the same seed and the same calls give the same faults. */
  readonly seed?: number;
}

/** Fault injection settings with every default filled in. */
export interface FaultSettings {
  readonly hookDropRate: number;
  readonly hookDelayMs: number | readonly [number, number];
  readonly apiFailureRate: number;
  readonly apiFailureStatuses: readonly number[];
  readonly apiHangRate: number;
  readonly apiHangMs: number;
  readonly retryAfterSeconds: number;
  readonly seed: number | null;
}

/** Raised when fault settings are out of range; the message names the field. */
export class FaultSettingsError extends SandboxError {
  constructor(message: string) {
    super(message, { code: 'INVALID_FAULTS' });
    this.name = 'FaultSettingsError';
  }
}

function rate(name: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new FaultSettingsError(`${name} must be a number between 0 and 1`);
  }
  return value;
}

function nonNegative(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new FaultSettingsError(`${name} must be a number >= 0`);
  }
  return value;
}

function delay(value: unknown): number | readonly [number, number] {
  if (value === undefined) return 0;
  if (Array.isArray(value)) {
    const [min, max] = value as unknown[];
    if (value.length !== 2 || typeof min !== 'number' || typeof max !== 'number' || min < 0 || max < min) {
      throw new FaultSettingsError('hookDelayMs must be a number >= 0 or a [min, max] pair with 0 <= min <= max');
    }
    return [min, max];
  }
  return nonNegative('hookDelayMs', value, 0);
}

/** Validates fault settings and fills in the defaults; throws {@link FaultSettingsError} naming the bad field. */
export function normalizeFaults(input: unknown = {}): FaultSettings {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new FaultSettingsError('fault settings must be a JSON object');
  }
  const raw = input as Record<string, unknown>;
  const known = new Set([
    'hookDropRate',
    'hookDelayMs',
    'apiFailureRate',
    'apiFailureStatuses',
    'apiHangRate',
    'apiHangMs',
    'retryAfterSeconds',
    'seed',
  ]);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new FaultSettingsError(`unknown fault setting ${key}`);
  }
  const statuses = raw.apiFailureStatuses ?? [500, 502, 429];
  if (
    !Array.isArray(statuses) ||
    statuses.length === 0 ||
    !statuses.every((s) => Number.isInteger(s) && (s as number) >= 400 && (s as number) <= 599)
  ) {
    throw new FaultSettingsError('apiFailureStatuses must be a non-empty list of HTTP statuses 400..599');
  }
  const seed = raw.seed;
  if (seed !== undefined && seed !== null && !Number.isInteger(seed)) {
    throw new FaultSettingsError('seed must be an integer');
  }
  return {
    hookDropRate: rate('hookDropRate', raw.hookDropRate),
    hookDelayMs: delay(raw.hookDelayMs),
    apiFailureRate: rate('apiFailureRate', raw.apiFailureRate),
    apiFailureStatuses: statuses as number[],
    apiHangRate: rate('apiHangRate', raw.apiHangRate),
    apiHangMs: nonNegative('apiHangMs', raw.apiHangMs, 30_000),
    retryAfterSeconds: nonNegative('retryAfterSeconds', raw.retryAfterSeconds, 1),
    seed: typeof seed === 'number' ? seed : null,
  };
}
