// `node bench/fuzz-webchat.mjs`: fuzzes a running bridge's webchat (its own process, loopback only) through the
// visitor socket and the upload route, and counts what must never happen: a crash (the process stops answering),
// a 5xx, a socket closed as an internal error (1011), a frame answered with anything but a clear error or a normal
// answer, and resident memory growing. Not part of `npm test`. Options:
//   --sockets=N        socket sessions to open (default 2000), each sending --frames fuzzed frames
//   --frames=F         frames per socket (default 20)
//   --uploads=U        upload requests (default 20000)
//   --max-minutes=M    stop earlier after M minutes (default 20)
//   --concurrency=C    sockets / uploads in flight (default 8)
//   --seed=S           fast-check seed (default 7)
//   --database-url=U   PostgreSQL server to run on (a throwaway database); default SQLite in a temp directory
// Inputs: socket frames are valid frames with fuzzed fields, valid frames byte-mutated, frames with a valid,
// mutated, foreign or missing token, random text and binary frames, invalid UTF-8, deeply nested JSON and frames
// over the 64 KiB limit; sockets open with the bridge's origin, an evil origin or none, on the instance or an
// unknown or malformed one. Uploads carry a valid, mutated, foreign or missing token, random content types and file
// names, bodies up to and over the instance's limit, chunked bodies over it, and bodies truncated before their
// declared content-length (the client hangs up).
// Prints one JSON summary line at the end.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import WebSocket from 'ws';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? true];
  }),
);
const SOCKETS = Number(args.sockets ?? 2000);
const FRAMES = Number(args.frames ?? 20);
const UPLOADS = Number(args.uploads ?? 20000);
const MAX_MS = Number(args['max-minutes'] ?? 20) * 60_000;
const CONCURRENCY = Number(args.concurrency ?? 8);
const SEED = Number(args.seed ?? 7);
const say = (line) => console.log(`[fuzz-webchat ${new Date().toISOString().slice(11, 19)}] ${line}`);

execFileSync('npx', ['tsc', '-b'], { cwd: ROOT, stdio: 'inherit' });
const { freePort, IDS, startWorld } = await import('./lib/world.mjs');
const { startServer } = await import('./lib/processes.mjs');

const dir = mkdtempSync(join(tmpdir(), 'amojo-fuzz-webchat-'));
let databaseUrl = `sqlite:${join(dir, 'bridge.sqlite')}`;
let dropDatabase = async () => {};
if (args['database-url']) {
  const { default: pg } = await import('pg');
  const admin = String(args['database-url']);
  const name = `amojo_fuzzwc_${process.pid}_${randomBytes(3).toString('hex')}`;
  const withAdmin = async (statement) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(statement);
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

const port = await freePort();
const world = await startWorld(port);
const base = `http://127.0.0.1:${port}`;
const server = await startServer({
  mode: 'bridge',
  worker: false,
  logFile: join(dir, 'bridge.log'),
  env: {
    AMOJO_CHANNEL_ID: IDS.channelId,
    AMOJO_CHANNEL_SECRET: IDS.channelSecret,
    AMOJO_BASE_URL: world.url,
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: base,
    LOG_LEVEL: 'error',
  },
});
const KEY = 'fuzz';
await server.setup({ accountId: IDS.accountId, webchat: { key: KEY } });
const ORIGIN = base;
const MAX_UPLOAD = 10 * 1024 * 1024; // the instance default (uploads.maxBytes)

// Each session comes from its own loopback address: the bridge allows 10 new chats per address in a burst.
let addressCounter = 0;
const nextAddress = () => {
  const n = addressCounter++;
  return `127.${1 + (Math.floor(n / 62500) % 250)}.${1 + (Math.floor(n / 250) % 250)}.${1 + (n % 250)}`;
};

/** A visitor session (start -> session token) used as the "valid" and the "foreign" token. */
function openSession(address) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/webchat/${KEY}/socket`, {
      origin: ORIGIN,
      localAddress: address,
    });
    const timer = setTimeout(() => reject(new Error('no session within 30 s')), 30_000);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'config') socket.send(JSON.stringify({ type: 'start', profile: { name: 'Fuzz visitor' } }));
      else if (frame.type === 'session') {
        clearTimeout(timer);
        socket.close();
        resolve(frame.token);
      } else if (frame.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`${frame.code} ${frame.message}`));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
const tokens = [];
for (let i = 0; i < 4; i++) tokens.push(await openSession(nextAddress()));

// ---- inputs ------------------------------------------------------------------------------------------------
const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constant(''));
const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip'), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('insert'), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete'), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('truncate'), at: fc.nat() }),
);
function mutate(bytes, mutations) {
  let b = Buffer.from(bytes);
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    if (m.op === 'flip' && b.length > 0) {
      b = Buffer.from(b);
      b[m.at % b.length] ^= 1 << m.bit;
    } else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    else if (m.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
    else if (m.op === 'truncate') b = b.subarray(0, at);
  }
  return b;
}
// 0: valid, 1: mutated valid, 2: another visitor's, 3: missing, 4: noise
const tokenChoice = fc.record({
  kind: fc.integer({ min: 0, max: 4 }),
  which: fc.nat(),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  noise: text,
});
function tokenOf(choice, own) {
  if (choice.kind === 0) return own;
  if (choice.kind === 1) return mutate(Buffer.from(own), choice.mutations).toString('latin1');
  if (choice.kind === 2) return tokens[choice.which % tokens.length];
  if (choice.kind === 3) return undefined;
  return choice.noise;
}
const anyJson = fc.jsonValue({ maxDepth: 3 });
const frame = fc.oneof(
  {
    weight: 24,
    arbitrary: fc
      .record({
        type: fc.constantFrom('start', 'hello', 'send', 'typing', 'read', 'earlier', 'ping', 'zzz', ''),
        token: tokenChoice,
        profile: fc.oneof(fc.record({ name: text, phone: text, email: text }), anyJson),
        clientId: fc.oneof(fc.uuid(), text),
        text: fc.oneof(text, fc.string({ minLength: 4000, maxLength: 5000 })),
        uploadId: fc.oneof(fc.integer(), fc.double(), text),
        sentAt: fc.oneof(fc.integer(), fc.double(), text),
        ids: fc.oneof(fc.array(text, { maxLength: 300 }), anyJson),
        before: fc.oneof(fc.uuid(), text),
        extra: anyJson,
        mutations: fc.option(fc.array(mutation, { minLength: 1, maxLength: 4 })),
      })
      .map((f) => ({ kind: 'structured', ...f })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ kind: 'binary', bytes })) },
  { weight: 1, arbitrary: text.map((t) => ({ kind: 'text', t })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((n) => ({ kind: 'huge', n })) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5000 }).map((depth) => ({ kind: 'deep', depth })) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => ({ kind: 'badutf8', bytes })) },
);
const socketInput = fc.record({
  origin: fc.constantFrom('own', 'own', 'own', 'evil', 'none'),
  instance: fc.oneof(
    { weight: 8, arbitrary: fc.constant(KEY) },
    { weight: 1, arbitrary: fc.constant('nope') },
    { weight: 1, arbitrary: text.map((t) => encodeURIComponent(t).slice(0, 300) || 'x') },
  ),
  frames: fc.array(frame, { minLength: 1, maxLength: FRAMES }),
});

function frameBytes(f, own) {
  if (f.kind === 'binary') return { data: Buffer.from(f.bytes), binary: true };
  if (f.kind === 'text') return { data: f.t, binary: false };
  if (f.kind === 'huge')
    return {
      data: JSON.stringify({ type: 'send', token: own, clientId: 'x', text: 'a'.repeat(f.n * 70 * 1024) }),
      binary: false,
    };
  if (f.kind === 'deep') return { data: `${'['.repeat(f.depth)}${']'.repeat(f.depth)}`, binary: false };
  if (f.kind === 'badutf8')
    return {
      data: Buffer.concat([
        Buffer.from('{"type":"ping","x":"'),
        Buffer.from([0xff, 0xfe, ...f.bytes]),
        Buffer.from('"}'),
      ]),
      binary: false,
    };
  const token = tokenOf(f.token, own);
  const body = { type: f.type, ...(token === undefined ? {} : { token }) };
  if (f.type === 'start') body.profile = f.profile;
  if (f.type === 'send')
    Object.assign(body, { clientId: f.clientId, text: f.text, uploadId: f.uploadId, sentAt: f.sentAt });
  if (f.type === 'read') body.ids = f.ids;
  if (f.type === 'earlier') body.before = f.before;
  if (f.type === 'zzz') body.extra = f.extra;
  const raw = Buffer.from(JSON.stringify(body));
  return { data: f.mutations ? mutate(raw, f.mutations) : raw.toString(), binary: false };
}

const KNOWN_SERVER = new Set([
  'config',
  'session',
  'ready',
  'earlier',
  'ack',
  'message',
  'typing',
  'reaction',
  'read',
  'pong',
  'resync',
  'error',
]);
const counts = {
  sockets: 0,
  frames: 0,
  uploads: 0,
  crashed: false,
  unexpectedClose: 0,
  upgradeStatus: {},
  closeCodes: {},
  serverFrames: {},
  errorCodes: {},
  unknownServerFrames: 0,
  uploadStatus: {},
  fiveXx: 0,
};
const examples = { unexpected: [], fiveXx: [] };
const bump = (map, key) => {
  map[key] = (map[key] ?? 0) + 1;
};

function runSocket(input) {
  return new Promise((resolve) => {
    const headers =
      input.origin === 'own' ? { origin: ORIGIN } : input.origin === 'evil' ? { origin: 'https://evil.example' } : {};
    const own = tokens[counts.sockets % tokens.length];
    const socket = new WebSocket(`ws://127.0.0.1:${port}/webchat/${input.instance}/socket`, {
      headers,
      localAddress: nextAddress(),
      maxPayload: 1024 * 1024,
    });
    let sent = 0;
    const timer = setTimeout(() => socket.terminate(), 20_000);
    const finish = () => {
      clearTimeout(timer);
      resolve();
    };
    socket.on('unexpected-response', (_request, response) => {
      bump(counts.upgradeStatus, response.statusCode);
      if ((response.statusCode ?? 0) >= 500) {
        counts.fiveXx++;
        if (examples.fiveXx.length < 5) examples.fiveXx.push({ socket: input.instance, status: response.statusCode });
      }
      response.resume();
      socket.terminate();
      finish();
    });
    socket.on('open', () => {
      bump(counts.upgradeStatus, 101);
      const pump = () => {
        if (sent >= input.frames.length || socket.readyState !== WebSocket.OPEN) {
          // Give the server a moment to answer the last frame, then close normally.
          setTimeout(() => socket.close(1000), 50);
          return;
        }
        const { data, binary } = frameBytes(input.frames[sent++], own);
        counts.frames++;
        socket.send(data, { binary }, () => setImmediate(pump));
      };
      pump();
    });
    socket.on('message', (data) => {
      let parsed;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        parsed = undefined;
      }
      if (!parsed || !KNOWN_SERVER.has(parsed.type)) {
        counts.unknownServerFrames++;
        if (examples.unexpected.length < 5) examples.unexpected.push(String(data).slice(0, 200));
        return;
      }
      bump(counts.serverFrames, parsed.type);
      if (parsed.type === 'error') {
        bump(counts.errorCodes, parsed.code);
        if (parsed.code === 'unavailable' && examples.unexpected.length < 5)
          examples.unexpected.push(String(data).slice(0, 200));
      }
    });
    socket.on('close', (code) => {
      bump(counts.closeCodes, code);
      if (code === 1011) {
        counts.unexpectedClose++;
        if (examples.unexpected.length < 5) examples.unexpected.push(`close 1011 after ${sent} frames`);
      }
      finish();
    });
    socket.on('error', (error) => {
      if (error.code === 'ECONNREFUSED') counts.crashed = true;
    });
  });
}

const uploadInput = fc.record({
  token: tokenChoice,
  origin: fc.constantFrom('own', 'own', 'evil', 'none'),
  instance: fc.oneof(
    { weight: 8, arbitrary: fc.constant(KEY) },
    { weight: 1, arbitrary: text.map((t) => encodeURIComponent(t).slice(0, 200) || 'x') },
  ),
  contentType: fc.oneof(
    fc.constantFrom('image/png', 'application/pdf', 'text/plain', 'application/x-msdownload', 'image/*', ''),
    text,
  ),
  fileName: fc.oneof(
    fc.constantFrom('a.png', 'report.pdf', '../../etc/passwd', '%ZZ', ''),
    text,
    fc.string({ minLength: 150, maxLength: 400 }),
  ),
  size: fc.oneof(fc.integer({ min: 0, max: 4096 }), fc.constantFrom(MAX_UPLOAD, MAX_UPLOAD + 1, MAX_UPLOAD * 3)),
  shape: fc.constantFrom('plain', 'plain', 'chunked', 'truncated', 'lying-length'),
});

/** One upload over a raw socket (so truncated bodies and lying lengths are possible); resolves the status or -1. */
function runUpload(input) {
  return new Promise((resolve) => {
    const token = tokenOf(input.token, tokens[counts.uploads % tokens.length]);
    const headers = [
      `POST /webchat/${input.instance}/uploads HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      ...(input.origin === 'own'
        ? [`Origin: ${ORIGIN}`]
        : input.origin === 'evil'
          ? ['Origin: https://evil.example']
          : []),
      ...(token === undefined ? [] : [`Authorization: Bearer ${String(token).replace(/[\r\n]/g, '')}`]),
      `Content-Type: ${String(input.contentType).replace(/[\r\n]/g, '')}`,
      `X-File-Name: ${encodeURIComponent(input.fileName)}`,
      'Connection: close',
    ];
    const socket = connect({ port, host: '127.0.0.1', localAddress: nextAddress() });
    let answer = '';
    let done = false;
    const timer = setTimeout(() => finish(-2), 30_000);
    const finish = (status) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (match) finish(Number(match[1]));
    });
    socket.on('error', (error) => finish(error.code === 'ECONNREFUSED' ? -3 : -1));
    socket.on('close', () => finish(-1));
    socket.on('connect', async () => {
      const size = input.size;
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      const write = (buffer) =>
        new Promise((ok) => {
          if (done || socket.destroyed) return ok(false);
          socket.write(buffer, () => ok(true));
        });
      if (input.shape === 'chunked') {
        socket.write(`${headers.join('\r\n')}\r\nTransfer-Encoding: chunked\r\n\r\n`);
        for (let sentBytes = 0; sentBytes < size && !done; sentBytes += chunk.length) {
          const piece = chunk.subarray(0, Math.min(chunk.length, size - sentBytes));
          if (
            !(await write(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])))
          )
            break;
        }
        await write(Buffer.from('0\r\n\r\n'));
      } else {
        const declared = input.shape === 'lying-length' ? Math.max(1, Math.floor(size / 2)) : size;
        socket.write(`${headers.join('\r\n')}\r\nContent-Length: ${declared}\r\n\r\n`);
        const body = input.shape === 'truncated' ? Math.floor(size / 3) : size;
        for (let sentBytes = 0; sentBytes < body && !done; sentBytes += chunk.length) {
          if (!(await write(chunk.subarray(0, Math.min(chunk.length, body - sentBytes))))) break;
        }
        // A truncated body: the client hangs up before its declared length (half-close, then wait for an answer).
        if (input.shape === 'truncated') socket.end();
      }
    });
  });
}

// ---- run ---------------------------------------------------------------------------------------------------
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
const started = Date.now();
const rssStart = (await server.stats()).rss;
const rssSamples = [];
const sample = async () => {
  try {
    rssSamples.push((await server.stats()).rss);
  } catch {
    counts.crashed = true;
  }
};
const inTime = () => Date.now() - started < MAX_MS && !counts.crashed;

const socketInputs = fc.sample(socketInput, { numRuns: SOCKETS, seed: SEED });
let nextSocket = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (nextSocket < socketInputs.length && inTime()) {
      await runSocket(socketInputs[nextSocket++]);
      counts.sockets++;
      if (counts.sockets % 250 === 0) {
        await sample();
        say(`${counts.sockets} sockets, ${counts.frames} frames, rss ${Math.round(rssSamples.at(-1) / 1048576)} MiB`);
      }
    }
  }),
);
const uploadInputs = fc.sample(uploadInput, { numRuns: UPLOADS, seed: SEED + 1 });
let nextUpload = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (nextUpload < uploadInputs.length && inTime()) {
      const status = await runUpload(uploadInputs[nextUpload++]);
      counts.uploads++;
      bump(counts.uploadStatus, status);
      if (status === -3) counts.crashed = true;
      if (status >= 500) {
        counts.fiveXx++;
        if (examples.fiveXx.length < 5) examples.fiveXx.push({ upload: uploadInputs[nextUpload - 1].shape, status });
      }
      if (counts.uploads % 1000 === 0) {
        await sample();
        say(`${counts.uploads} uploads, rss ${Math.round(rssSamples.at(-1) / 1048576)} MiB`);
      }
    }
  }),
);
await sample();
const seconds = (Date.now() - started) / 1000;
console.log(
  JSON.stringify({
    commit,
    engine: databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres',
    seed: SEED,
    date: new Date().toISOString(),
    seconds: Math.round(seconds),
    ...counts,
    rssStartMiB: Math.round(rssStart / 1048576),
    rssEndMiB: Math.round((rssSamples.at(-1) ?? Number.NaN) / 1048576),
    rssSamplesMiB: rssSamples.map((r) => Math.round(r / 1048576)),
    examples,
  }),
);
await server.stop().catch(() => undefined);
await world.close();
await dropDatabase();
rmSync(dir, { recursive: true, force: true });
