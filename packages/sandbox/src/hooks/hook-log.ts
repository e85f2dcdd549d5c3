/** One hook the sandbox sent (or dropped), with the integration's answer. */
export interface HookLogEntry {
  readonly id: string;
  /** Unix milliseconds when the hook was generated. */
  readonly at: number;
  readonly scopeId: string;
  readonly url: string;
  readonly kind: 'message' | 'typing' | 'reaction';
  /** The exact body bytes sent, as a string. */
  readonly body: string;
  /** The `X-Signature` header sent. */
  readonly signature: string;
  readonly attempt: {
    readonly status?: number;
    readonly error?: string;
    readonly durationMs: number;
    readonly responseBody?: string;
  };
  /** True when fault injection dropped the hook: it was logged but never sent. */
  readonly dropped: boolean;
  /** Fault-injected delay before sending, in ms. */
  readonly delayedMs: number;
}
