import type { Update } from '@grammyjs/types';
import { type Api, GrammyError } from 'grammy';
import type { Logger } from '../../log.js';
import type { ChannelHealthReport } from '../channel-plugin.js';
import { ALLOWED_UPDATES } from './map-update.js';
import { POLL_TIMEOUT_SECONDS } from './telegram-api.js';

/** Options of {@link startPolling}. */
export interface PollingOptions {
  readonly api: Api;
  readonly log: Logger;
  /** Makes one update durable; rejects when it is not (the update is then fetched again). */
  readonly handle: (update: Update) => Promise<unknown>;
  /** Long-poll wait at Telegram, seconds; default {@link POLL_TIMEOUT_SECONDS}. */
  readonly timeoutSeconds?: number;
  /** Pause between polls while Telegram refuses the token (401), ms; default 30 s (`CHANNEL_HOLD_PROBE_MS`). */
  readonly refusedPollMs?: number | undefined;
  /** Told of each refused poll (`bad_credentials`) and of the first accepted one after them (ok). */
  readonly reportHealth?: ((report: ChannelHealthReport) => Promise<void>) | undefined;
}

const TOKEN_REFUSED = 'Telegram refused the bot token (revoked?) when polling for updates';

/** A running long-polling loop. */
export interface Polling {
  /** Stops after the update in hand is durable, confirms what was handled, and resolves. */
  stop(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Long polling with the offset committed only after the updates are durable. States: polling (a `getUpdates` in
 * flight) -> handling (each update of the batch, in order, through `handle`) -> polling with `offset` = last handled
 * + 1, which is what confirms them to Telegram. A crash anywhere leaves the unhandled and the unconfirmed updates at
 * Telegram, which sends them again; `handle` is idempotent (the same message, edit or reaction is stored once), so
 * nothing is lost and nothing is stored twice. A failed `handle` keeps the offset and polls again after a pause.
 * A 409 (another process polls this bot, or a webhook is set) and network errors back off and retry. A 401 (token
 * revoked) is reported as `bad_credentials` (the instance turns broken, its answers are held) and polling goes on
 * at `refusedPollMs`, so a token that works again (un-revoked at @BotFather) recovers by itself: the first accepted
 * poll reports ok, which releases the held answers. A replaced token starts a new adapter, and a new loop.
 */
export function startPolling(options: PollingOptions): Polling {
  const controller = new AbortController();
  const { signal } = controller;
  let offset: number | undefined;
  let handledSinceConfirm = false;
  let failures = 0;
  let refused = false;
  const report = async (health: ChannelHealthReport) => {
    try {
      await options.reportHealth?.(health);
    } catch (error) {
      options.log.warn({ event: 'telegram_health_report_failed', err: error }, 'telegram health report failed');
    }
  };
  const pause = () => Math.min(30_000, 500 * 2 ** Math.min(failures++, 6));

  const loop = async (): Promise<void> => {
    while (!signal.aborted) {
      let updates: Update[];
      try {
        updates = await options.api.getUpdates(
          {
            ...(offset !== undefined ? { offset } : {}),
            timeout: options.timeoutSeconds ?? POLL_TIMEOUT_SECONDS,
            allowed_updates: [...ALLOWED_UPDATES],
          },
          // grammY types its signal as the abort-controller polyfill's; Node's own works at run time.
          signal as unknown as Parameters<Api['getUpdates']>[1],
        );
        handledSinceConfirm = false;
        failures = 0;
        if (refused) {
          refused = false;
          options.log.info({ event: 'telegram_token_accepted' }, 'Telegram accepts the bot token again');
          await report({ ok: true });
        }
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof GrammyError && error.error_code === 401) {
          const wait = options.refusedPollMs ?? 30_000;
          if (!refused) {
            options.log.error(
              { event: 'telegram_token_refused', wait },
              'Telegram refused the bot token: polling slowly until it works again',
            );
          }
          refused = true;
          await report({ ok: false, problem: 'bad_credentials', reason: TOKEN_REFUSED });
          await sleep(wait, signal);
          continue;
        }
        const wait = error instanceof GrammyError && error.error_code === 409 ? 5_000 : pause();
        options.log.warn(
          {
            event: 'telegram_poll_failed',
            err: error instanceof GrammyError ? error.description : String(error),
            wait,
          },
          'telegram getUpdates failed',
        );
        await sleep(wait, signal);
        continue;
      }
      for (const update of updates) {
        try {
          await options.handle(update);
        } catch (error) {
          options.log.warn(
            { event: 'telegram_update_not_stored', updateId: update.update_id, err: error },
            'telegram update not stored: it will be fetched again',
          );
          await sleep(pause(), signal);
          break;
        }
        offset = update.update_id + 1;
        handledSinceConfirm = true;
        if (signal.aborted) break;
      }
    }
  };
  const running = loop();
  return {
    async stop() {
      controller.abort();
      await running;
      // Confirm what was handled since the last poll, so a restart does not fetch it again (it would be a duplicate
      // anyway, and skipped). Best effort: one short request.
      if (handledSinceConfirm && offset !== undefined) {
        await options.api.getUpdates({ offset, limit: 1, timeout: 0 }).catch(() => undefined);
      }
    },
  };
}
