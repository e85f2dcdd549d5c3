import type { FastifyInstance } from 'fastify';
import type { SandboxState } from '../state/sandbox-state.js';

const FAULTY = /^\/(v2|api\/v4|oauth2)(\/|$|\?)/;

function faultBody(
  url: string,
  status: number,
  errorType: string,
  description: string,
): { type: string; body: string } {
  if (url.startsWith('/v2')) {
    return {
      type: 'application/json',
      body: JSON.stringify({ status: 0, error_code: status, error_type: errorType, error_description: description }),
    };
  }
  return {
    type: 'application/problem+json',
    body: JSON.stringify({ title: errorType, type: `https://httpstatus.es/${status}`, status, detail: description }),
  };
}

/**
 * Injects API faults before a request is processed (a failed call has no effect): a share answered with a failure
 * status, a share held for `apiHangMs` and then answered 504. Applies to `/v2/**`, `/api/v4/**` and `/oauth2/**`.
 */
export function registerApiFaults(app: FastifyInstance, state: SandboxState): { close(): void } {
  const hung = new Set<() => void>();
  app.addHook('onRequest', async (request, reply) => {
    if (!FAULTY.test(request.url)) return;
    const faults = state.faults;
    // Two draws per call whatever the settings, so a seed gives the same sequence for any mix of rates.
    const failDraw = state.apiDraw();
    const pickDraw = state.apiDraw();
    if (failDraw < faults.apiFailureRate) {
      const statuses = faults.apiFailureStatuses;
      const status = statuses[Math.min(statuses.length - 1, Math.floor(pickDraw * statuses.length))]!;
      if (status === 429 || status === 503) reply.header('Retry-After', String(faults.retryAfterSeconds));
      const { type, body } = faultBody(
        request.url,
        status,
        'SANDBOX_INJECTED_FAULT',
        `fault injected by the sandbox (status ${status})`,
      );
      reply.header('X-Sandbox-Fault', 'failure');
      return reply.code(status).type(type).send(body);
    }
    if (failDraw < faults.apiFailureRate + faults.apiHangRate) {
      await new Promise<void>((resolve) => {
        const release = () => {
          clearTimeout(timer);
          hung.delete(release);
          resolve();
        };
        const timer = setTimeout(release, faults.apiHangMs);
        hung.add(release);
      });
      const { type, body } = faultBody(
        request.url,
        504,
        'SANDBOX_INJECTED_HANG',
        'the sandbox held this call (injected hang); it had no effect',
      );
      reply.header('X-Sandbox-Fault', 'hang');
      return reply.code(504).type(type).send(body);
    }
    return;
  });
  return {
    close() {
      for (const release of [...hung]) release();
    },
  };
}
