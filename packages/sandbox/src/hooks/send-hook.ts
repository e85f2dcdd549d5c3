import { randomUUID } from 'node:crypto';
import { sharedNodeTransport, signHook } from '@amojo-bridge/sdk';
import type { ChannelConfig, SandboxLogger } from '../config.js';
import type { ScopeRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import type { HookLogEntry } from './hook-log.js';

/** What to send: a hook body for one scope. */
export interface HookInput {
  readonly scope: ScopeRecord;
  readonly channel: ChannelConfig;
  readonly kind: HookLogEntry['kind'];
  readonly body: unknown;
}

const USER_AGENT = 'amoCRM amoJo/1.0';
const MAX_RECORDED_ANSWER = 4096;

/**
 * Sends hooks as amojo does (spec 4.1): one signed POST (the body followed by an unsigned `\n` unless turned off), a
 * timeout, never retried; every attempt is logged.
 */
export class HookSender {
  private closed = false;
  // One controller per hook in flight or waiting: no listener piles up on a shared signal.
  private readonly inFlight = new Set<AbortController>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly options: {
      readonly state: SandboxState;
      readonly timeoutMs: number;
      /** Append an unsigned `\n` to the body, as real amojo deliveries do (spec 4.1). */
      readonly trailingNewline: boolean;
      readonly log: SandboxLogger;
    },
  ) {}

  /** Sends one hook (after any injected delay) and resolves with its log entry; never rejects. */
  send(input: HookInput): Promise<HookLogEntry> {
    const task = this.attempt(input);
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
    return task;
  }

  /** Aborts hooks in flight or waiting out a delay, and waits for them to be logged. */
  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.inFlight) controller.abort();
    await Promise.allSettled([...this.pending]);
  }

  private delayFor(): number {
    const { state } = this.options;
    const setting = state.faults.hookDelayMs;
    const draw = state.hookDraw();
    if (typeof setting === 'number') return setting;
    const [min, max] = setting;
    return Math.round(min + draw * (max - min));
  }

  private async attempt(input: HookInput): Promise<HookLogEntry> {
    const { state, log } = this.options;
    const signed = JSON.stringify(input.body);
    const signature = signHook(signed, input.channel.secret);
    // Real amojo traffic ends each hook body with a newline that the signature does not cover; the log keeps the
    // bytes as sent.
    const body = this.options.trailingNewline ? `${signed}\n` : signed;
    const url = (input.channel.hookUrl ?? '').replaceAll(':scope_id', input.scope.scopeId);
    const base = {
      id: randomUUID(),
      at: state.nowMs(),
      scopeId: input.scope.scopeId,
      url,
      kind: input.kind,
      body,
      signature,
    };
    // Both draws happen for every hook, so the same seed gives the same faults whatever the settings' mix.
    const dropped = state.hookDraw() < state.faults.hookDropRate;
    const delayedMs = this.delayFor();
    let entry: HookLogEntry;
    if (dropped) {
      entry = { ...base, attempt: { durationMs: 0 }, dropped: true, delayedMs: 0 };
    } else if (url === '') {
      entry = {
        ...base,
        attempt: { error: 'the channel has no hook URL configured', durationMs: 0 },
        dropped: false,
        delayedMs,
      };
    } else {
      const controller = new AbortController();
      this.inFlight.add(controller);
      try {
        if (delayedMs > 0) await this.wait(delayedMs, controller.signal);
        entry = {
          ...base,
          attempt: await this.post(url, body, signature, controller.signal),
          dropped: false,
          delayedMs,
        };
      } finally {
        this.inFlight.delete(controller);
      }
    }
    state.recordHook(entry);
    log.info?.(
      {
        hookId: entry.id,
        kind: entry.kind,
        scopeId: entry.scopeId,
        status: entry.attempt.status,
        error: entry.attempt.error,
        dropped,
      },
      'hook sent',
    );
    return entry;
  }

  private wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private async post(
    url: string,
    body: string,
    signature: string,
    closing: AbortSignal,
  ): Promise<HookLogEntry['attempt']> {
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    if (this.closed) return { error: 'the sandbox closed before the hook was sent', durationMs: 0 };
    try {
      // node:http with a keep-alive agent (never follows redirects, like amojo): ~3x less CPU per hook than fetch
      // (bench/http-client.mjs).
      const response = await sharedNodeTransport()({
        method: 'POST',
        url,
        headers: { 'Content-Type': 'application/json', 'X-Signature': signature, 'User-Agent': USER_AGENT },
        body,
        timeoutMs: this.options.timeoutMs,
        signal: closing,
      });
      return {
        status: response.status,
        durationMs: durationMs(),
        responseBody: response.bodyText.slice(0, MAX_RECORDED_ANSWER),
      };
    } catch (error) {
      const name = (error as Error).name;
      const message =
        name === 'TimeoutError'
          ? `no answer within ${this.options.timeoutMs} ms (amojo gives up and never retries)`
          : closing.aborted
            ? 'the sandbox closed while the hook was in flight'
            : `request failed: ${(error as Error & { code?: string; cause?: { code?: string } }).cause?.code ?? (error as Error & { code?: string }).code ?? (error as Error).message}`;
      return { error: message, durationMs: durationMs() };
    }
  }
}
