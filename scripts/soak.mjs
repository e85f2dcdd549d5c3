#!/usr/bin/env node
// Soak test of the relay under crashes and faults (issue 9), outside `npm test`; see RELIABILITY.md for how to run
// it and the recorded figures. The bridge runs as child processes of its CLI (`dist/cli.js start`), SIGKILLed at
// random every few seconds, against an in-process sandbox that fails a share of amojo calls and drops a share of
// hooks. Customer messages go in through the http channel (retried with the same eventId until a 200, as a sender
// with at-least-once delivery does); manager messages go in through the sandbox control API regardless of the
// bridge (a hook that finds no bridge is lost, as with amojo). Afterwards both sides are compared by id and text.
//
//   node scripts/soak.mjs --engine sqlite
//   node scripts/soak.mjs --engine postgres --database-url postgres://user@127.0.0.1:5432/postgres --processes 2
//   node scripts/soak.mjs --help
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HELP = `node scripts/soak.mjs [options]

  --engine sqlite|postgres       store engine (default sqlite)
  --database-url <url>           PostgreSQL server to create a throwaway database on (postgres only)
  --processes <n>                bridge processes (default 1 on sqlite, 2 on postgres; sqlite allows 1)
  --conversations <n>            conversations (default 1000)
  --messages <n>                 messages each way, spread evenly over the conversations (default 10000)
  --kill-min-ms / --kill-max-ms  time between two SIGKILLs of a random bridge process (default 3000 / 8000)
  --api-failure-rate <0..1>      share of amojo and REST calls the sandbox fails (default 0.3)
  --hook-drop-rate <0..1>        share of hooks the sandbox drops (default 0.2)
  --concurrency <n>              parallel senders on each side (default 16)
  --rate <n>                     messages per second each way at most (default 40; 0 = as fast as accepted)
  --recovery-interval-ms <n>     RECOVERY_INTERVAL_MS of the bridges (default 2000)
  --scan-chats <n>               RECOVERY_SCAN_CHATS of the bridges (default 250)
  --drain-timeout-s <n>          longest wait for everything to arrive after the pumps (default 600)
  --seed <n>                     seed of the fault and kill PRNG (default: time)
  --help`;

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string', default: 'sqlite' },
    'database-url': { type: 'string' },
    processes: { type: 'string' },
    conversations: { type: 'string', default: '1000' },
    messages: { type: 'string', default: '10000' },
    'kill-min-ms': { type: 'string', default: '3000' },
    'kill-max-ms': { type: 'string', default: '8000' },
    'api-failure-rate': { type: 'string', default: '0.3' },
    'hook-drop-rate': { type: 'string', default: '0.2' },
    concurrency: { type: 'string', default: '16' },
    rate: { type: 'string', default: '40' },
    'recovery-interval-ms': { type: 'string', default: '2000' },
    'scan-chats': { type: 'string', default: '250' },
    'drain-timeout-s': { type: 'string', default: '600' },
    seed: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const fail = (message) => {
  console.error(`soak: ${message}\n\n${HELP}`);
  process.exit(2);
};
const engine = args.engine;
if (engine !== 'sqlite' && engine !== 'postgres') fail('--engine must be sqlite or postgres');
if (engine === 'postgres' && !args['database-url']) fail('--database-url is required with --engine postgres');
const int = (name, min) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min) fail(`--${name} must be an integer >= ${min}`);
  return value;
};
const rate = (name) => {
  const value = Number(args[name]);
  if (!(value >= 0 && value <= 1)) fail(`--${name} must be between 0 and 1`);
  return value;
};
const processes = args.processes === undefined ? (engine === 'sqlite' ? 1 : 2) : int('processes', 1);
if (engine === 'sqlite' && processes !== 1) fail('--processes must be 1 with sqlite (one process owns the file)');
const CONVERSATIONS = int('conversations', 1);
const PER_CONVERSATION = Math.max(1, Math.round(int('messages', 1) / CONVERSATIONS));
const EACH_WAY = CONVERSATIONS * PER_CONVERSATION;
const KILL_MIN = int('kill-min-ms', 100);
const KILL_MAX = Math.max(KILL_MIN, int('kill-max-ms', 100));
const CONCURRENCY = int('concurrency', 1);
const RATE = int('rate', 0);
const seed = args.seed === undefined ? Date.now() % 1_000_000 : int('seed', 0);

for (const file of ['packages/bridge/dist/cli.js', 'packages/sandbox/dist/index.js', 'packages/sdk/dist/index.js']) {
  if (!existsSync(join(ROOT, file))) fail(`${file} is missing: run npm run build first`);
}
const dist = (path) => import(pathToFileURL(join(ROOT, path)).href);
const { createRandom, startSandbox } = await dist('packages/sandbox/dist/index.js');
const { runCli } = await dist('packages/bridge/dist/cli/index.js');

// The sandbox's fault PRNG (mulberry32), so a run can be replayed with its printed seed.
const random = createRandom(seed);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const started = Date.now();
const log = (what) => console.log(`soak ${engine} +${((Date.now() - started) / 1000).toFixed(1)}s: ${what}`);

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const freePort = async () => {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
};
const readBody = async (request) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks);
};

// --- database -------------------------------------------------------------------------------------------------
const workDir = mkdtempSync(join(tmpdir(), 'amojo-soak-'));
let databaseUrl;
let dropDatabase = async () => {};
if (engine === 'sqlite') {
  databaseUrl = `sqlite:${join(workDir, 'bridge.sqlite')}`;
} else {
  const { default: pg } = await import('pg');
  const admin = args['database-url'];
  const name = `amojo_soak_${process.pid}_${randomBytes(3).toString('hex')}`;
  const withAdmin = async (sql) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await withAdmin(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
  dropDatabase = () => withAdmin(`drop database if exists ${name} with (force)`);
}

// --- bridge ports and the load balancer in front of them --------------------------------------------------------
const bridgePorts = await Promise.all(Array.from({ length: processes }, freePort));
const alive = new Set();
// Round robin over live processes, trying the next one when a connection fails (a killed process): what a load
// balancer with health checks does. When none answers, the caller gets 502, as amojo would see its hook fail.
const balancer = createServer(async (request, response) => {
  const body = await readBody(request);
  const order = [...bridgePorts].sort(() => random() - 0.5);
  for (const port of order) {
    if (!alive.has(port)) continue;
    const answered = await new Promise((resolve) => {
      const upstream = httpRequest(
        { host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on('end', () => resolve(true));
          answer.on('error', () => resolve(true));
        },
      );
      upstream.on('error', () => resolve(false));
      upstream.end(body);
    });
    if (answered) return;
  }
  response.writeHead(502).end();
});
const balancerPort = await listen(balancer);
const base = `http://127.0.0.1:${balancerPort}`;

// --- sandbox ----------------------------------------------------------------------------------------------------
const CHANNEL_ID = '5e0a7b1c-2d3e-4f50-8a6b-7c8d9e0f1a2b';
const CHANNEL_SECRET = randomBytes(20).toString('hex');
const ACCOUNT_ID = '6f1b8c2d-3e4f-4a61-9b7c-8d9e0f1a2b3c';
const sandbox = await startSandbox({
  channels: [
    {
      id: CHANNEL_ID,
      secret: CHANNEL_SECRET,
      name: 'Soak channel',
      hookUrl: `${base}/hooks/amojo/:scope_id`,
      hookApiVersion: 'v2',
      typingHooks: false,
    },
  ],
  accounts: [
    { amojoId: ACCOUNT_ID, id: 4242, subdomain: 'soak', users: [{ id: 1, name: 'Manager', amojoId: randomUUID() }] },
  ],
});
log(`sandbox ${sandbox.url}, ${processes} bridge process(es) on ${engine}, seed ${seed}`);

// --- customer system: records every manager message POST (redeliveries included) --------------------------------
const secret = { value: '' };
const received = []; // { messageId, chatKey, text, at }
let badSignatures = 0;
const customer = createServer(async (request, response) => {
  const raw = await readBody(request);
  const id = String(request.headers['webhook-id'] ?? '');
  const ts = String(request.headers['webhook-timestamp'] ?? '');
  const expected = createHmac('sha256', secret.value)
    .update(`${id}.${ts}.${raw.toString('utf8')}`)
    .digest('base64');
  if (!String(request.headers['webhook-signature'] ?? '').includes(`v1,${expected}`)) {
    badSignatures++;
    response.writeHead(401).end();
    return;
  }
  const body = JSON.parse(raw.toString('utf8'));
  if (body.type === 'message') {
    received.push({ messageId: body.messageId, chatKey: body.chatKey, text: body.message?.text ?? '', at: Date.now() });
  }
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `cs-${body.messageId}` }));
});
const customerPort = await listen(customer);

// --- set-up through the CLI, as an operator would --------------------------------------------------------------
const env = {
  PATH: process.env.PATH ?? '',
  AMOJO_CHANNEL_ID: CHANNEL_ID,
  AMOJO_CHANNEL_SECRET: CHANNEL_SECRET,
  AMOJO_BASE_URL: sandbox.url,
  DATABASE_URL: databaseUrl,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  QUEUE_LEASE_MS: '10000',
  QUEUE_POLL_INTERVAL_MS: '200',
  RECOVERY_INTERVAL_MS: String(int('recovery-interval-ms', 1000)),
  RECOVERY_SCAN_CHATS: String(int('scan-chats', 1)),
};
const io = { stdout: () => undefined, stderr: (text) => process.stderr.write(text), env };
let added = '';
if ((await runCli(['connect', '--account-id', ACCOUNT_ID], io)) !== 0) fail('connect failed');
const addCode = await runCli(['channels', 'add-http', '--name', 'soak', '--url', `http://127.0.0.1:${customerPort}/`], {
  ...io,
  stdout: (text) => {
    added += text;
  },
});
if (addCode !== 0) fail('channels add-http failed');
const instanceKey = /instance: (\S+)/.exec(added)[1];
secret.value = /secret: (\S+)/.exec(added)[1];

// --- bridge processes -----------------------------------------------------------------------------------------
const children = new Map(); // port -> child
let starts = 0;
let tail = '';
async function startBridge(port) {
  starts++;
  const child = spawn(process.execPath, [join(ROOT, 'packages/bridge/dist/cli.js'), 'start'], {
    env: { ...env, PORT: String(port) },
    cwd: ROOT,
  });
  children.set(port, child);
  let output = '';
  const append = (chunk) => {
    output += chunk.toString('utf8');
    tail = (tail + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const deadline = Date.now() + 120_000;
  while (!output.includes('listening on') && child.exitCode === null && Date.now() < deadline) await sleep(50);
  if (child.exitCode !== null || !output.includes('listening on')) {
    throw new Error(`bridge on ${port} did not start (exit ${child.exitCode}):\n${tail}`);
  }
  alive.add(port);
}
async function killBridge(port) {
  const child = children.get(port);
  alive.delete(port);
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
// Interrupted: take the bridge processes down with the script, so none is left behind.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(130);
  });
}
await Promise.all(bridgePorts.map(startBridge));
log('bridges listening');

// --- pumps ------------------------------------------------------------------------------------------------------
const chatKeys = Array.from({ length: CONVERSATIONS }, (_, i) => `soak-${i}`);
let customerRetries = 0;
async function sendCustomer(chatKey, seq) {
  const eventId = randomUUID();
  const body = JSON.stringify({
    eventId,
    chatKey,
    sender: { id: `client-${chatKey}`, name: `Client ${chatKey}` },
    message: { type: 'text', text: `c:${chatKey}:${seq}` },
    timestamp: Math.floor(Date.now() / 1000),
  });
  for (;;) {
    const id = randomUUID();
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', secret.value).update(`${id}.${ts}.${body}`).digest('base64');
    try {
      const response = await fetch(`${base}/channels/http/${instanceKey}/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': ts,
          'webhook-signature': `v1,${signature}`,
        },
        body,
      });
      await response.arrayBuffer();
      if (response.status === 200) return;
      if (response.status < 500) throw new Error(`customer event refused with ${response.status}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('customer event refused')) throw error;
    }
    customerRetries++;
    await sleep(100 + random() * 300);
  }
}
/** A pacer: each call waits for the next of `RATE` slots per second (none when RATE is 0). */
function pacer() {
  let nextAt = Date.now();
  return async () => {
    if (RATE === 0) return;
    const at = Math.max(Date.now(), nextAt);
    nextAt = at + 1000 / RATE;
    if (at > Date.now()) await sleep(at - Date.now());
  };
}
/** Runs `work(index)` for 0..count-1 with `CONCURRENCY` in flight. */
async function pool(count, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    }),
  );
}

// The first customer message of each conversation creates its chat; before faults, so set-up is not the soak.
await pool(CONVERSATIONS, (i) => sendCustomer(chatKeys[i], 0));
const chatIdOf = new Map();
for (let deadline = Date.now() + 600_000; chatIdOf.size < CONVERSATIONS && Date.now() < deadline; ) {
  const chats = await (await fetch(`${sandbox.url}/_sandbox/api/chats`)).json();
  for (const chat of chats) chatIdOf.set(chat.client.name.replace(/^Client /, ''), chat.id);
  if (chatIdOf.size < CONVERSATIONS) await sleep(500);
}
if (chatIdOf.size < CONVERSATIONS) throw new Error(`only ${chatIdOf.size} of ${CONVERSATIONS} chats were created`);
log(`${CONVERSATIONS} chats exist; faults on, pumping ${EACH_WAY} messages each way`);
sandbox.state.setFaults({
  apiFailureRate: rate('api-failure-rate'),
  hookDropRate: rate('hook-drop-rate'),
  seed,
});

const managerSent = new Map(); // amojo id -> { chatKey, seq, text, at, hookLost }
const customerPace = pacer();
const managerPace = pacer();
let managerFailures = 0;
let customerSent = CONVERSATIONS;
// Each side goes round the conversations: message `seq` of every conversation, then `seq + 1`, so all of them are
// active at once and a conversation's next message is sent only after its previous one was accepted.
const customerPump = (async () => {
  for (let seq = 1; seq < PER_CONVERSATION; seq++) {
    await pool(CONVERSATIONS, async (i) => {
      await customerPace();
      await sendCustomer(chatKeys[i], seq);
      customerSent++;
    });
  }
})();
const managerPump = (async () => {
  for (let seq = 0; seq < PER_CONVERSATION; seq++) {
    await pool(CONVERSATIONS, async (i) => {
      const chatKey = chatKeys[i];
      const text = `m:${chatKey}:${seq}`;
      await managerPace();
      const at = Date.now();
      const response = await fetch(`${sandbox.url}/_sandbox/api/chats/${chatIdOf.get(chatKey)}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      if (response.status !== 200) {
        managerFailures++;
        await response.arrayBuffer();
        return;
      }
      const answer = await response.json();
      const hook = answer.hooks?.[0];
      const hookLost = !hook || hook.dropped || hook.attempt?.status !== 200;
      managerSent.set(answer.messages[0].id, { chatKey, seq, text, at, hookLost });
    });
  }
})();
let pumping = true;
const pumps = Promise.all([customerPump, managerPump]).finally(() => {
  pumping = false;
});
const ticker = setInterval(() => {
  log(`customer ${customerSent}/${EACH_WAY}, manager ${managerSent.size}/${EACH_WAY}, received ${received.length}`);
}, 10_000);

let kills = 0;
const killer = (async () => {
  while (pumping) {
    await sleep(KILL_MIN + random() * (KILL_MAX - KILL_MIN));
    if (!pumping) break;
    const port = bridgePorts[Math.floor(random() * bridgePorts.length)];
    await killBridge(port);
    kills++;
    await sleep(random() * 600);
    await startBridge(port);
  }
})();
await pumps;
const pumpsDoneAt = Date.now();
await killer;
log(`pumps done after ${kills} SIGKILLs; draining (faults stay on)`);

// --- drain and count ------------------------------------------------------------------------------------------
async function inboundByChat() {
  const all = new Map();
  for (const chatKey of chatKeys) {
    const messages = await (await fetch(`${sandbox.url}/_sandbox/api/chats/${chatIdOf.get(chatKey)}/messages`)).json();
    all.set(
      chatKey,
      messages.filter((m) => m.direction === 'in'),
    );
  }
  return all;
}
const drainDeadline = Date.now() + int('drain-timeout-s', 1) * 1000;
let inbound = new Map();
for (;;) {
  inbound = await inboundByChat();
  const inTexts = new Set([...inbound.values()].flat().map((m) => m.text));
  const outTexts = new Set(received.map((m) => m.text));
  if ((inTexts.size >= EACH_WAY && outTexts.size >= managerSent.size) || Date.now() > drainDeadline) break;
  await sleep(2000);
}
const drainedAt = Date.now();
await sleep(3000); // late duplicates, if any
inbound = await inboundByChat();
clearInterval(ticker);

const inversions = (seqs) => seqs.reduce((n, s, i) => (i > 0 && s < seqs[i - 1] ? n + 1 : n), 0);
const inSeen = new Map();
let inOutOfOrder = 0;
for (const [chatKey, messages] of inbound) {
  for (const m of messages) inSeen.set(m.text, (inSeen.get(m.text) ?? 0) + 1);
  inOutOfOrder += inversions(
    messages.filter((m) => m.text.startsWith(`c:${chatKey}:`)).map((m) => Number(m.text.split(':')[2])),
  );
}
const inExpected = chatKeys.flatMap((k) => Array.from({ length: PER_CONVERSATION }, (_, s) => `c:${k}:${s}`));
const firstArrival = new Map();
for (const m of received) if (!firstArrival.has(m.messageId)) firstArrival.set(m.messageId, m);
const idsByText = new Map();
for (const m of firstArrival.values()) idsByText.set(m.text, new Set([...(idsByText.get(m.text) ?? []), m.messageId]));
const arrivalOfText = new Map();
for (const m of firstArrival.values()) if (!arrivalOfText.has(m.text)) arrivalOfText.set(m.text, m.at);
let outOutOfOrder = 0;
const orderSamples = [];
for (const chatKey of chatKeys) {
  const seqs = [...firstArrival.values()].filter((m) => m.chatKey === chatKey).map((m) => Number(m.text.split(':')[2]));
  const n = inversions(seqs);
  outOutOfOrder += n;
  if (n > 0 && orderSamples.length < 3) orderSamples.push(`${chatKey}: ${seqs.join(',')}`);
}
const lostHooks = [...managerSent.values()].filter((m) => m.hookLost);
const recoveryTimes = lostHooks
  .map((m) => arrivalOfText.get(m.text))
  .filter((at) => at !== undefined)
  .map((at, i) => at - lostHooks[i].at);
const lastLostArrival = Math.max(0, ...lostHooks.map((m) => arrivalOfText.get(m.text) ?? 0));
const sorted = [...recoveryTimes].sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? null;
const report = {
  engine,
  processes,
  seed,
  conversations: CONVERSATIONS,
  eachWay: EACH_WAY,
  faults: { apiFailureRate: rate('api-failure-rate'), hookDropRate: rate('hook-drop-rate') },
  kills,
  bridgeStarts: starts,
  pumpSeconds: Math.round((pumpsDoneAt - started) / 1000),
  drainSeconds: Math.round((drainedAt - pumpsDoneAt) / 1000),
  inbound: {
    sent: EACH_WAY,
    lost: inExpected.filter((t) => !inSeen.has(t)).length,
    duplicated: [...inSeen.values()].reduce((n, c) => n + c - 1, 0),
    outOfOrder: inOutOfOrder,
    senderRetries: customerRetries,
  },
  outbound: {
    sent: managerSent.size,
    controlFailures: managerFailures,
    lost: [...managerSent.values()].filter((m) => !idsByText.has(m.text)).length,
    duplicatedDifferentIds: [...idsByText.values()].reduce((n, ids) => n + ids.size - 1, 0),
    redeliveriesSameId: received.length - firstArrival.size,
    outOfOrder: outOutOfOrder,
    badSignatures,
    hooksLost: lostHooks.length,
    hooksLostRecovered: recoveryTimes.length,
    recoveryMsP50: pct(0.5),
    recoveryMsP99: pct(0.99),
    recoveryMsMax: sorted.at(-1) ?? null,
    lastLostHookRecoveredSecondsAfterPumps:
      lastLostArrival > 0 ? Math.round((lastLostArrival - pumpsDoneAt) / 100) / 10 : null,
  },
};
if (orderSamples.length > 0) console.log(`out of order (first-arrival seqs):\n${orderSamples.join('\n')}`);
console.log(`SOAK REPORT ${JSON.stringify(report)}`);

await Promise.all(bridgePorts.map(killBridge));
await new Promise((resolve) => customer.close(resolve));
customer.closeAllConnections?.();
balancer.closeAllConnections?.();
await new Promise((resolve) => balancer.close(resolve));
await sandbox.close();
await dropDatabase().catch((error) => console.error(`dropping the soak database failed: ${error.message}`));
rmSync(workDir, { recursive: true, force: true });
const clean =
  report.inbound.lost + report.inbound.duplicated + report.inbound.outOfOrder === 0 &&
  report.outbound.lost + report.outbound.duplicatedDifferentIds + report.outbound.outOfOrder === 0;
process.exit(clean ? 0 : 1);
