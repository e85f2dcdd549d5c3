import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { loadNow } from './machine.mjs';
import { logPath, startServer } from './processes.mjs';
import { quantile, round } from './stats.mjs';
import { IDS, startWorld } from './world.mjs';

const LEVELS = [1000, 5000];
const ROUND_TRIPS = 40;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();

// The bridge allows 10 new chats per client address in a burst; each visitor comes from its own loopback address
// (127.0.0.0/8 is all loopback on Linux), ten visitors per address, so the limit is honoured, not bypassed.
const addressOf = (i) => {
  const n = Math.floor(i / 10);
  return `127.0.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
};

/** One visitor: a socket that did `start` and holds its session; resolves once the session frame arrived. */
function openVisitor({ url, origin, index, onFrame }) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { origin, localAddress: addressOf(index) });
    const visitor = { socket, token: undefined, visitorId: undefined };
    const timer = setTimeout(() => reject(new Error(`visitor ${index}: no session within 30 s`)), 30_000);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'config')
        socket.send(JSON.stringify({ type: 'start', profile: { name: `Visitor ${index}` } }));
      else if (frame.type === 'session') {
        visitor.token = frame.token;
        visitor.visitorId = frame.visitorId;
        clearTimeout(timer);
        resolve(visitor);
      } else if (frame.type === 'error' && !visitor.token) {
        clearTimeout(timer);
        reject(new Error(`visitor ${index}: ${frame.code} ${frame.message}`));
      }
      onFrame(visitor, frame);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function fdLimit() {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
  } catch {
    return Number.NaN;
  }
}

/**
 * Figure 3: visitor sockets held (each with a started session) at 1k and 5k, the bridge's resident memory per
 * socket, and at each level the round trips of a few visitors: `send` -> `ack` (committed), `send` -> the sandbox
 * stores it (amojo), and a manager message in the sandbox -> the visitor's socket.
 */
export async function benchWebchat({ outDir, say, port, databaseFor }) {
  const limit = fdLimit();
  const levels = LEVELS.filter((n) => !(n + 1000 > limit));
  if (levels.length < LEVELS.length) say(`webchat: ulimit -n is ${limit}; levels above it are skipped`);
  const sandbox = await startWorld(port);
  const sent = new Map();
  const arrived = new Map();
  const unsubscribe = sandbox.state.subscribe((event) => {
    if (event.type !== 'message') return;
    const { text, direction } = event.message;
    if (direction === 'in' && text.startsWith('bench-web-in:') && !arrived.has(text)) arrived.set(text, now());
    if (direction === 'out' && text.startsWith('bench-web-out:') && !sent.has(text)) sent.set(text, now());
  });
  const bridge = await startServer({
    mode: 'bridge',
    worker: true,
    logFile: logPath(outDir, 'webchat-bridge'),
    env: {
      AMOJO_CHANNEL_ID: IDS.channelId,
      AMOJO_CHANNEL_SECRET: IDS.channelSecret,
      AMOJO_BASE_URL: sandbox.url,
      DATABASE_URL: await databaseFor('sqlite', 'webchat'),
      HOST: '127.0.0.1',
      PORT: String(port),
      // Webchat is off without PUBLIC_URL (its origin and file URLs are never taken from the Host header).
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
    },
  });
  const visitors = [];
  const acks = new Map();
  const delivered = new Map();
  const onFrame = (_visitor, frame) => {
    if (frame.type === 'ack' && !acks.has(frame.clientId)) acks.set(frame.clientId, now());
    if (
      frame.type === 'message' &&
      frame.message.direction === 'out' &&
      frame.message.text.startsWith('bench-web-out:')
    ) {
      if (!delivered.has(frame.message.text)) delivered.set(frame.message.text, now());
    }
  };
  try {
    await bridge.setup({ accountId: IDS.accountId, webchat: { key: 'bench_web' } });
    const url = `${bridge.url.replace('http', 'ws')}/webchat/bench_web/socket`;
    const before = await bridge.stats();
    const rows = [];
    for (const level of levels) {
      const opening = now();
      while (visitors.length < level) {
        const batch = Math.min(100, level - visitors.length);
        const start = visitors.length;
        visitors.push(
          ...(await Promise.all(
            Array.from({ length: batch }, (_, k) =>
              openVisitor({ url, origin: bridge.url, index: start + k, onFrame }),
            ),
          )),
        );
      }
      const openSec = (now() - opening) / 1000;
      await sleep(1000);
      const held = visitors.filter((v) => v.socket.readyState === WebSocket.OPEN).length;
      const stats = await bridge.stats();
      // Round trips: a few visitors spread over the held ones, one message each in turn, 10 per second.
      const probes = Array.from(
        { length: ROUND_TRIPS },
        (_, k) => visitors[Math.floor((k * visitors.length) / ROUND_TRIPS)],
      );
      const inTags = [];
      for (const [k, visitor] of probes.entries()) {
        const clientId = randomUUID();
        const tag = `bench-web-in:${level}:${k}`;
        inTags.push({ tag, clientId, at: now() });
        visitor.socket.send(JSON.stringify({ type: 'send', token: visitor.token, clientId, text: tag }));
        await sleep(100);
      }
      const until = now() + 15_000;
      while (inTags.some((t) => !arrived.has(t.tag) || !acks.has(t.clientId)) && now() < until) await sleep(20);
      // Manager answers in the chats those messages created; each should reach the visitor's socket.
      await sleep(500);
      const chats = sandbox.state.listChats();
      const outTags = [];
      for (const [k] of probes.entries()) {
        const chat = chats.find((c) => c.lastMessageText === `bench-web-in:${level}:${k}`) ?? chats[k % chats.length];
        const tag = `bench-web-out:${level}:${k}`;
        outTags.push(tag);
        fetch(`${sandbox.url}/_sandbox/api/chats/${chat.id}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: tag }),
        }).then((r) => r.arrayBuffer());
        await sleep(100);
      }
      const until2 = now() + 15_000;
      while (outTags.some((t) => !delivered.has(t)) && now() < until2) await sleep(20);
      const ackMs = inTags.filter((t) => acks.has(t.clientId)).map((t) => acks.get(t.clientId) - t.at);
      const inMs = inTags.filter((t) => arrived.has(t.tag)).map((t) => arrived.get(t.tag) - t.at);
      const outMs = outTags.filter((t) => delivered.has(t) && sent.has(t)).map((t) => delivered.get(t) - sent.get(t));
      const row = {
        sockets: level,
        held,
        openSec: round(openSec, 1),
        rssMiB: round(stats.rss / 2 ** 20, 1),
        heapMiB: round(stats.heapUsed / 2 ** 20, 1),
        kibPerSocket: round((stats.rss - before.rss) / 1024 / level, 1),
        ackP50Ms: quantile(ackMs, 0.5),
        ackP99Ms: quantile(ackMs, 0.99),
        toAmojoP50Ms: quantile(inMs, 0.5),
        toAmojoP99Ms: quantile(inMs, 0.99),
        managerToVisitorP50Ms: quantile(outMs, 0.5),
        managerToVisitorP99Ms: quantile(outMs, 0.99),
        samples: { ack: ackMs.length, toAmojo: inMs.length, managerToVisitor: outMs.length, of: ROUND_TRIPS },
        load: loadNow(),
      };
      rows.push(row);
      say(
        `webchat ${level} sockets (${held} held, opened in ${row.openSec} s): RSS ${row.rssMiB} MiB, ${row.kibPerSocket} KiB/socket; ack p50 ${round(row.ackP50Ms)} ms, to amojo p50 ${round(row.toAmojoP50Ms)} ms, manager->visitor p50 ${round(row.managerToVisitorP50Ms)} ms`,
      );
    }
    return {
      measured: true,
      engine: 'sqlite',
      rssBeforeMiB: round(before.rss / 2 ** 20, 1),
      roundTrips: ROUND_TRIPS,
      fdLimit: limit,
      rows,
    };
  } finally {
    for (const v of visitors) v.socket.terminate();
    unsubscribe();
    await bridge.stop();
    await sandbox.close();
  }
}
