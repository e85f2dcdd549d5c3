import { randomUUID } from 'node:crypto';
import { signHook } from '@amojo-bridge/sdk';
import { buildMessageHook } from '@amojo-bridge/sdk/testing';
import autocannon from 'autocannon';
import { loadNow } from './machine.mjs';
import { fillBefore, maintenanceOff } from './prefill-figure.mjs';
import { logPath, startServer } from './processes.mjs';
import { round, summarize } from './stats.mjs';

const PLACEHOLDER = '00000000-0000-4000-8000-00000000b0d1';

/** A generator of signed v2 message hooks, each with a fresh amojo message id (so none is deduplicated). */
function hookFactory({ secret, accountId }) {
  const template = JSON.stringify(
    buildMessageHook({ account_id: accountId, message: { message: { id: PLACEHOLDER, text: 'Bench reply' } } }),
  );
  return () => {
    const body = template.replace(PLACEHOLDER, randomUUID());
    return { body, signature: signHook(body, secret) };
  };
}

function cannon({ url, connections, duration, nextHook }) {
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        setupRequest(request) {
          const { body, signature } = nextHook();
          return {
            ...request,
            body,
            headers: { 'content-type': 'application/json', 'x-signature': signature, 'user-agent': 'amoCRM amoJo/1.0' },
          };
        },
      },
    ],
  });
}

function figuresOf(result, duration) {
  return {
    reqPerSec: result.requests.total / duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/**
 * Figure 1 on one engine: signed hooks at the bridge's intake (worker not started, so nothing is delivered while
 * measuring) against a bare Fastify route answering 200, in alternating runs of the same length.
 */
export async function benchIntake(options) {
  const { engine, databaseUrl, port, ids, runs, duration, connections, outDir, profileFile, say, prefill } = options;
  const bare = await startServer({ mode: 'bare', logFile: logPath(outDir, `intake-bare-${engine}`) });
  const bridge = await startServer({
    mode: 'bridge',
    worker: false,
    logFile: logPath(outDir, `intake-bridge-${engine}${prefill ? `-prefill-${prefill}` : ''}`),
    env: {
      AMOJO_CHANNEL_ID: ids.channelId,
      AMOJO_CHANNEL_SECRET: ids.channelSecret,
      AMOJO_BASE_URL: options.sandboxUrl,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...maintenanceOff(prefill),
    },
  });
  try {
    const scopeId = await bridge.setup({ accountId: ids.accountId });
    const filled = await fillBefore(bridge, { prefill, scopeId, say, label: `intake ${engine}` });
    const nextHook = hookFactory({ secret: ids.channelSecret, accountId: ids.accountId });
    const targets = {
      bare: `${bare.url}/hooks/amojo/${scopeId}`,
      bridge: `${bridge.url}/hooks/amojo/${scopeId}`,
    };
    // Warm both up (JIT, connection pools, SQLite page cache) before anything is recorded.
    for (const name of ['bare', 'bridge']) await cannon({ url: targets[name], connections, duration: 2, nextHook });
    const rows = { bare: [], bridge: [] };
    let bridgeOk = 0;
    const loads = [];
    for (let run = 0; run < runs; run++) {
      // Alternate the order so a drift in machine load does not favour one side.
      const order = run % 2 === 0 ? ['bare', 'bridge'] : ['bridge', 'bare'];
      for (const name of order) {
        loads.push(loadNow());
        const result = await cannon({ url: targets[name], connections, duration, nextHook });
        const figures = figuresOf(result, duration);
        if (figures.non2xx || figures.errors) {
          throw new Error(`${name} intake answered ${figures.non2xx} non-2xx and ${figures.errors} errors`);
        }
        if (name === 'bridge') bridgeOk += figures.ok;
        rows[name].push(figures);
        say(
          `intake ${engine} run ${run + 1}/${runs} ${name}: ${round(figures.reqPerSec, 0)} req/s p50 ${figures.p50} ms p99 ${figures.p99} ms`,
        );
      }
    }
    const after = await bridge.stats(true);
    // The profile is taken in one extra run after the recorded ones, so the profiler's cost skews no figure.
    let profile;
    if (profileFile) {
      await bridge.profileStart();
      const result = await cannon({ url: targets.bridge, connections, duration, nextHook });
      profile = { file: await bridge.profileStop(profileFile), reqPerSec: result.requests.total / duration };
    }
    const ratios = rows.bridge.map((r, i) => r.reqPerSec / rows.bare[i].reqPerSec);
    const pick = (name, key) => summarize(rows[name].map((r) => r[key]));
    return {
      engine,
      connections,
      durationSec: duration,
      runs,
      bare: { reqPerSec: pick('bare', 'reqPerSec'), p50Ms: pick('bare', 'p50'), p99Ms: pick('bare', 'p99') },
      bridge: { reqPerSec: pick('bridge', 'reqPerSec'), p50Ms: pick('bridge', 'p50'), p99Ms: pick('bridge', 'p99') },
      ratio: summarize(ratios),
      // Every 200 was one durable hook row and one queued job: the queue holds them all (warm-up included).
      queuedAfter: after.queue,
      bridgeRssAfterMiB: after.rss / 2 ** 20,
      recordedHooks: bridgeOk,
      loadAverage: summarize(loads),
      ...(filled ? { prefill: filled } : {}),
      ...(profile ? { profile } : {}),
    };
  } finally {
    await bridge.stop();
    await bare.stop();
  }
}
