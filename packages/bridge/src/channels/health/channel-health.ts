/**
 * Health of one channel instance, as operators see it (admin API, CLI, dashboard, `/metrics`):
 * - `ok`: the last signal was a success (a send accepted, a check passed), or nothing went wrong yet;
 * - `degraded`: passing failures (the messenger unreachable, 5xx), fewer than the threshold in a row;
 * - `broken`: the instance cannot work until someone acts (`bad_credentials`, `number_blocked`) or kept failing
 *   (`unreachable`, `failing`); an alert is sent when it becomes broken and when it recovers.
 * `unknown` is shown for an instance with no signal yet; disabled instances are shown as disabled by management.
 */
export type ChannelHealthState = 'ok' | 'degraded' | 'broken';

/** Why an instance is degraded or broken. */
export type ChannelProblem = 'bad_credentials' | 'number_blocked' | 'unreachable' | 'failing';

/** Problems that break an instance at once (a person must act), as opposed to passing ones. */
export const HARD_PROBLEMS: ReadonlySet<ChannelProblem> = new Set(['bad_credentials', 'number_blocked']);

/**
 * Where a signal came from: an outbound send, a plugin `check()` (create/update through management), or the
 * channel's own traffic with the messenger (`poll`: Telegram's `getUpdates`), reported through the runtime.
 */
export type HealthSignalSource = 'send' | 'check' | 'poll';

/** One observation about an instance. */
export type HealthSignal =
  | { readonly ok: true; readonly source: HealthSignalSource }
  | {
      readonly ok: false;
      readonly problem: ChannelProblem;
      /** The adapter's reason (never a secret, by the adapter contract); cut to 500 characters when stored. */
      readonly reason: string;
      readonly source: HealthSignalSource;
    };

/** The stored health of an instance. */
export interface ChannelHealth {
  readonly state: ChannelHealthState;
  readonly problem: ChannelProblem | null;
  /** The reason of the last failure; kept after recovery, for the record. */
  readonly reason: string | null;
  readonly consecutiveFailures: number;
  readonly source: HealthSignalSource;
  /** When the state last changed, ms since the epoch. */
  readonly changedAt: number;
  /** When the last signal was written, ms. */
  readonly updatedAt: number;
  readonly lastErrorAt: number | null;
}

/** A state change, as alerts and logs carry it (no settings, no secrets). */
export interface ChannelHealthChange {
  readonly instanceKey: string;
  readonly kind: string;
  readonly name: string | null;
  readonly from: ChannelHealthState | 'unknown';
  readonly to: ChannelHealthState;
  readonly problem: ChannelProblem | null;
  readonly reason: string | null;
  /** ms since the epoch. */
  readonly at: number;
}
