import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { webhookHeaders } from '../../packages/bridge/dist/channels/index.js';
import { createNodeTransport } from '../../packages/sdk/dist/index.js';
import { loadNow } from './machine.mjs';
import { fillBefore, maintenanceOff } from './prefill-figure.mjs';
import { logPath, startServer } from './processes.mjs';
import { quantile, round, summarize } from './stats.mjs';

// The load driver sends over node:http with keep-alive (the SDK's transport): the global fetch cost ~0.8 ms of CPU
// per message on this machine, enough to make the bench, not the bridge, the bottleneck near 2,000 msg/s.
const driver = createNodeTransport({ maxSocketsPerHost: 64 });
const post = async (url, headers, body) => {
  const response = await driver.send({ method: 'POST', url, headers, body, timeoutMs: 60_000 });
  return response.status;
};
const cpuUs = () => {
  const cpu = process.cpuUsage();
  return cpu.user + cpu.system;
};
const SETTLE_MS = 8_000;
// Warm-up sends in flight at once, and how long it may go without a new arrival before it is declared stuck.
const WARM_CONCURRENCY = 32;
const WARM_STALL_MS = 60_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();

/**
 * The customer system behind the http channel: a node:http server in the bench process that records when each
 * manager message arrives (by the tag in its text) and answers 200 at once.
 */
async function startReceiver(onMessage) {
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const at = now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (body.type === 'message') onMessage(body.message?.text ?? '', at);
      } catch {
        // not ours to judge: the bench only times messages it tagged
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: `bench-${randomUUID()}` }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/events`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Sends `count` messages at `rate` per second on a fixed schedule (open loop: a slow answer never delays the next
 * send), then waits until every one arrived or SETTLE_MS passed. `send(i)` starts message i and records its start;
 * `arrivals` is read to know what arrived. Samples the backlog (sent, not arrived) and the bridge's queue.
 */
async function paced({ rate, durationSec, send, pending, queueDepth }) {
  const count = Math.round(rate * durationSec);
  const started = now();
  const backlog = [];
  const queue = [];
  let sent = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const t = now() - started;
      backlog.push([t, pending()]);
      queue.push([t, await queueDepth().catch(() => Number.NaN)]);
      await sleep(250);
    }
  })();
  const failures = [];
  while (sent < count) {
    const due = Math.min(count, Math.floor(((now() - started) / 1000) * rate) + 1);
    while (sent < due) {
      const i = sent++;
      send(i).catch((error) => failures.push(String(error)));
    }
    await sleep(2);
  }
  const sendWindowMs = now() - started;
  const deadline = now() + SETTLE_MS;
  while (pending() > 0 && now() < deadline) await sleep(5);
  const drainMs = now() - started - sendWindowMs;
  sampling = false;
  await sampler;
  return { count, sendWindowMs, drainMs, backlog, queue, failures };
}

/**
 * "The queue grows" when the backlog in the last third of the send window is clearly above the middle third's, or
 * when messages were still arriving more than a second after sending stopped: the bridge could not keep up.
 */
function queueGrew({ backlog, sendWindowMs, drainMs, lost, rate }) {
  const inWindow = backlog.filter(([t]) => t <= sendWindowMs);
  const third = sendWindowMs / 3;
  const mean = (rows) => rows.reduce((s, [, v]) => s + v, 0) / Math.max(1, rows.length);
  const middle = mean(inWindow.filter(([t]) => t > third && t <= 2 * third));
  const last = mean(inWindow.filter(([t]) => t > 2 * third));
  // Slack of a quarter of a second of traffic, so jitter at low rates is not read as growth.
  const grew = last > middle * 1.5 + rate * 0.25;
  return { grew: grew || lost > 0 || drainMs > 1000, middleBacklog: round(middle), lastBacklog: round(last) };
}

/**
 * Figure 2: one bridge with its worker (production settings), a customer system, and the sandbox. Inbound:
 * signed customer events POSTed to the http channel, timed until the sandbox stores the message. Outbound: manager
 * messages sent in the sandbox, timed from the moment the sandbox emits them (just before it POSTs the hook) until
 * the customer system receives them. Every timestamp is `performance.now()` of this process.
 */
export async function benchRelay(options) {
  const { engine, sandbox, ids, port, databaseUrl, rates, runs, duration, outDir, say, profileFile, prefill } = options;
  // Conversations the messages are spread over (each gets a warm-up message each way first).
  const CHATS = options.chats ?? 50;
  const sent = new Map();
  const arrived = new Map();
  const receiver = await startReceiver((text, at) => {
    if (text.startsWith('bench-out:') && !arrived.has(text)) arrived.set(text, at);
  });
  // The sandbox's own event bus: a message created by the Chats API (inbound) or by the manager (outbound).
  const unsubscribe = sandbox.state.subscribe((event) => {
    if (event.type !== 'message') return;
    const { text, direction } = event.message;
    if (direction === 'in' && text.startsWith('bench-in:') && !arrived.has(text)) arrived.set(text, now());
    if (direction === 'out' && text.startsWith('bench-out:') && !sent.has(text)) sent.set(text, now());
  });
  const bridge = await startServer({
    mode: 'bridge',
    worker: true,
    logFile: logPath(outDir, `relay-bridge-${engine}-${CHATS}${prefill ? `-prefill-${prefill}` : ''}`),
    env: {
      AMOJO_CHANNEL_ID: ids.channelId,
      AMOJO_CHANNEL_SECRET: ids.channelSecret,
      AMOJO_BASE_URL: sandbox.url,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      ...maintenanceOff(prefill),
    },
  });
  const instance = { key: 'bench_http', secret: `bench-${randomUUID()}`, url: receiver.url, sourceExternalId: 'bench' };
  try {
    const scopeId = await bridge.setup({ accountId: ids.accountId, instance });
    const filled = await fillBefore(bridge, {
      prefill,
      scopeId,
      channelInstanceKey: instance.key,
      say,
      label: `relay ${engine}`,
    });
    const rssIdleMiB = (await bridge.stats()).rss / 2 ** 20;
    const eventsUrl = `${bridge.url}/channels/http/${instance.key}/events`;
    const chatKeys = Array.from({ length: CHATS }, (_, i) => `bench-chat-${i}`);
    const postCustomer = async (tag, chatKey) => {
      const body = JSON.stringify({
        eventId: randomUUID(),
        chatKey,
        sender: { id: `customer-${chatKey}`, name: `Customer ${chatKey}` },
        message: { type: 'text', text: tag },
        timestamp: Math.floor(Date.now() / 1000),
      });
      sent.set(tag, now());
      const status = await post(
        eventsUrl,
        { 'content-type': 'application/json', ...webhookHeaders({ body, secret: instance.secret }) },
        body,
      );
      if (status !== 200) throw new Error(`customer event answered ${status}`);
    };
    const postManager = async (tag, chatId) => {
      const status = await post(
        `${sandbox.url}/_sandbox/api/chats/${chatId}/messages`,
        { 'content-type': 'application/json' },
        JSON.stringify({ text: tag }),
      );
      if (status !== 200) throw new Error(`sandbox manager send answered ${status}`);
    };
    const queueDepth = async () => (await bridge.stats(true)).queue;

    // Every chat gets its first message (conversation, contact, amojo chat) before anything is timed: sent with bounded
    // concurrency (thousands of chats), waited for as long as they keep arriving.
    await warmUp({
      what: 'warm-up customer messages',
      keys: chatKeys,
      send: (key) => postCustomer(`bench-in:warm:${key}`, key),
      arrivedFor: (key) => arrived.has(`bench-in:warm:${key}`),
      say,
    });
    const chatIds = sandbox.state.listChats().map((chat) => chat.id);
    if (chatIds.length < CHATS) throw new Error(`only ${chatIds.length} of ${CHATS} warm-up chats reached the sandbox`);
    await warmUp({
      what: 'warm-up manager messages',
      keys: chatIds,
      send: (id) => postManager(`bench-out:warm:${id}`, id),
      arrivedFor: (id) => arrived.has(`bench-out:warm:${id}`),
      say,
    });

    const directions = {
      inbound: (tag, i) => postCustomer(tag, chatKeys[i % CHATS]),
      outbound: (tag, i) => postManager(tag, chatIds[i % CHATS]),
    };
    // Each measurement starts on an empty queue: a backlog left by an overloaded run would be charged to the next.
    const drained = async () => {
      const until = now() + 60_000;
      while (now() < until) {
        if ((await queueDepth()) === 0) return true;
        await sleep(100);
      }
      return false;
    };
    const measure = async (direction, rate, label) => {
      if (!(await drained())) say(`  the queue did not empty within 60 s before ${direction} ${rate}/s`);
      const tags = [];
      const cpuBefore = { bridge: (await bridge.stats()).cpuUs, bench: cpuUs() };
      const result = await paced({
        rate,
        durationSec: duration,
        send: (i) => {
          const tag = `bench-${direction === 'inbound' ? 'in' : 'out'}:${label}:${i}`;
          tags.push(tag);
          return directions[direction](tag, i);
        },
        pending: () => tags.reduce((n, tag) => n + (arrived.has(tag) ? 0 : 1), 0),
        queueDepth,
      });
      // CPU each process used over the run, per message sent: the bridge, and this process (load driver, sandbox
      // as amojo, customer system), so a bench that is itself the bottleneck shows.
      const bridgeCpuMs = ((await bridge.stats()).cpuUs - cpuBefore.bridge) / 1000;
      const benchCpuMs = (cpuUs() - cpuBefore.bench) / 1000;
      const latencies = tags.filter((t) => arrived.has(t) && sent.has(t)).map((t) => arrived.get(t) - sent.get(t));
      const arrivals = tags.filter((t) => arrived.has(t)).map((t) => arrived.get(t));
      const lastArrival = arrivals.length ? Math.max(...arrivals) : Number.NaN;
      const firstSend = Math.min(...tags.filter((t) => sent.has(t)).map((t) => sent.get(t)));
      const lost = result.count - latencies.length;
      if (result.failures.length) say(`  ${result.failures.length} sends failed, first: ${result.failures[0]}`);
      const growth = queueGrew({ ...result, lost, rate });
      return {
        rate,
        messages: result.count,
        arrived: latencies.length,
        throughput: latencies.length ? latencies.length / ((lastArrival - firstSend) / 1000) : 0,
        p50Ms: quantile(latencies, 0.5),
        p99Ms: quantile(latencies, 0.99),
        maxMs: quantile(latencies, 1),
        drainMs: round(result.drainMs, 0),
        peakQueue: Math.max(0, ...result.queue.map(([, v]) => v).filter(Number.isFinite)),
        failures: result.failures.length,
        bridgeCpuMsPerMsg: round(bridgeCpuMs / Math.max(1, result.count), 3),
        benchCpuMsPerMsg: round(benchCpuMs / Math.max(1, result.count), 3),
        ...growth,
        load: loadNow(),
      };
    };

    const out = {
      engine,
      chats: CHATS,
      durationSec: duration,
      runs,
      rssIdleMiB,
      ...(filled ? { prefill: filled } : {}),
      inbound: {},
      outbound: {},
    };
    for (const direction of ['inbound', 'outbound']) {
      const fixed = [];
      for (const rate of rates) {
        const rows = [];
        // Past a rate the bridge could not sustain, one run per rate shows the overload without minutes of drains.
        const overloaded = fixed.filter((f) => f.sustainedRuns === 0).length;
        // Two overloaded rates say enough; higher ones would only add minutes of backlog to drain.
        if (overloaded >= 2) {
          fixed.push({ rate, skipped: true });
          continue;
        }
        const runsHere = overloaded ? 1 : runs;
        for (let run = 0; run < runsHere; run++) {
          const row = await measure(direction, rate, `${rate}-${run}`);
          rows.push(row);
          say(
            `relay ${engine} ${direction} ${rate}/s run ${run + 1}/${runsHere}: p50 ${round(row.p50Ms)} ms p99 ${round(row.p99Ms)} ms, ${round(row.throughput, 0)} msg/s${row.grew ? ' (queue grew)' : ''}`,
          );
          await sleep(300);
        }
        fixed.push(aggregate(rate, rows));
      }
      // Step up from the highest fixed rate until the queue grows; the last rate before that is the sustained one.
      const steps = [];
      let rate = rates[rates.length - 1];
      let best = fixed.filter((f) => !f.skipped && f.sustainedRuns === f.runs).at(-1)?.rate ?? 0;
      for (
        let step = 0;
        step < 8 && !fixed.at(-1).skipped && fixed.at(-1).sustainedRuns === fixed.at(-1).runs;
        step++
      ) {
        rate = Math.round(rate * 1.5);
        const row = await measure(direction, rate, `step-${rate}`);
        steps.push(row);
        say(
          `relay ${engine} ${direction} step ${rate}/s: p50 ${round(row.p50Ms)} ms p99 ${round(row.p99Ms)} ms, ${round(row.throughput, 0)} msg/s${row.grew ? ' (queue grew)' : ''}`,
        );
        await sleep(500);
        if (row.grew) break;
        best = rate;
      }
      out[direction] = { fixed, steps, maxSustainedRate: best };
    }
    // A profile of one more inbound and outbound run at the highest fixed rate, kept out of the recorded figures.
    if (profileFile) {
      const rate = rates[rates.length - 1];
      await bridge.profileStart();
      await measure('inbound', rate, 'profile-in');
      await measure('outbound', rate, 'profile-out');
      out.profile = { file: await bridge.profileStop(profileFile), rate };
    }
    out.rssAfterMiB = (await bridge.stats()).rss / 2 ** 20;
    return out;
  } finally {
    unsubscribe();
    await bridge.stop();
    await receiver.close();
  }
}

/**
 * Sends `send(key)` for every key, at most WARM_CONCURRENCY at once, then waits until `arrivedFor(key)` holds for all.
 * Fails when a send fails or nothing new arrived for WARM_STALL_MS; says the progress every 15 s.
 */
async function warmUp({ what, keys, send, arrivedFor, say }) {
  const started = now();
  let next = 0;
  let failure;
  const senders = Array.from({ length: Math.min(WARM_CONCURRENCY, keys.length) }, async () => {
    while (next < keys.length && !failure) {
      const key = keys[next++];
      await send(key).catch((error) => {
        failure ??= error;
      });
    }
  });
  let sending = true;
  const sent = Promise.all(senders).finally(() => {
    sending = false;
  });
  let done = 0;
  let progressAt = now();
  let saidAt = now();
  const pending = new Set(keys);
  while (pending.size > 0) {
    if (failure) throw new Error(`${what}: a send failed: ${failure.message ?? failure}`);
    for (const key of pending) {
      if (arrivedFor(key)) pending.delete(key);
    }
    if (keys.length - pending.size > done) {
      done = keys.length - pending.size;
      progressAt = now();
    }
    if (now() - progressAt > WARM_STALL_MS) {
      throw new Error(`${what}: ${pending.size} of ${keys.length} had not arrived, none for ${WARM_STALL_MS / 1000} s`);
    }
    if (now() - saidAt > 15_000) {
      say(`  ${what}: ${done} of ${keys.length} arrived${sending ? `, ${next} sent` : ''}`);
      saidAt = now();
    }
    await sleep(pending.size > 1000 ? 250 : 20);
  }
  await sent;
  if (failure) throw new Error(`${what}: a send failed: ${failure.message ?? failure}`);
  if (keys.length >= 1000) say(`  ${what}: all ${keys.length} arrived in ${round((now() - started) / 1000, 1)} s`);
}

function aggregate(rate, rows) {
  const pick = (key) => summarize(rows.map((r) => r[key]));
  return {
    rate,
    runs: rows.length,
    throughput: pick('throughput'),
    p50Ms: pick('p50Ms'),
    p99Ms: pick('p99Ms'),
    peakQueue: pick('peakQueue'),
    bridgeCpuMsPerMsg: pick('bridgeCpuMsPerMsg'),
    benchCpuMsPerMsg: pick('benchCpuMsPerMsg'),
    sustainedRuns: rows.filter((r) => !r.grew).length,
    lost: rows.reduce((n, r) => n + (r.messages - r.arrived), 0),
    failures: rows.reduce((n, r) => n + r.failures, 0),
    rows,
  };
}
