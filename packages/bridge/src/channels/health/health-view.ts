import type { ChannelHealth, ChannelProblem } from './channel-health.js';

/** An instance's health as management shows it (admin API `health`, CLI, dashboard). */
export interface ChannelHealthView {
  /** The stored state; `unknown` before the first signal; `disabled` for a disabled instance (whatever was stored). */
  readonly state: 'ok' | 'degraded' | 'broken' | 'unknown' | 'disabled';
  readonly problem: ChannelProblem | null;
  /** The last failure's reason (kept after recovery); never a secret. */
  readonly reason: string | null;
  readonly consecutiveFailures: number;
  /** When the state last changed, ms since the epoch; null before the first signal. */
  readonly since: number | null;
  /** When the last failure was seen, ms; null when none. */
  readonly lastErrorAt: number | null;
}

/** Builds the view of one instance from its `enabled` flag and stored health. */
export function healthView(enabled: boolean, health: ChannelHealth | undefined): ChannelHealthView {
  return {
    state: !enabled ? 'disabled' : (health?.state ?? 'unknown'),
    problem: enabled ? (health?.problem ?? null) : null,
    reason: health?.reason ?? null,
    consecutiveFailures: health?.consecutiveFailures ?? 0,
    since: health?.changedAt ?? null,
    lastErrorAt: health?.lastErrorAt ?? null,
  };
}
