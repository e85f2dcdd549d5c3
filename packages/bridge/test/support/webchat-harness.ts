// Shared by the webchat tests: the relay harness (sandbox + bridge on real ports) plus a webchat instance, a socket
// client speaking the widget's protocol, and the widget bundle built when missing or stale.
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { addWebchatChannel } from '../../src/channels/webchat/index.js';
import type { WebchatServerFrame } from '../../src/channels/webchat/webchat-protocol.js';
import type { StoreDialect } from '../../src/store/store.js';
import { reportOnFailure } from './failure-reports.js';
import { createRelayHarness, type RelayHarness } from './relay-harness.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

async function newest(dir: string): Promise<number> {
  let latest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? await newest(path) : (await stat(path)).mtimeMs);
  }
  return latest;
}

/** Runs `scripts/build-webchat.mjs` when `dist/webchat/webchat.js` is missing or older than the widget sources. */
export async function ensureWebchatBuilt(): Promise<void> {
  const built = await stat(join(packageDir, 'dist', 'webchat', 'webchat.js')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const sources = Math.max(
    await newest(join(packageDir, 'src', 'channels', 'webchat', 'web')),
    (await stat(join(packageDir, 'src', 'channels', 'webchat', 'webchat-protocol.ts'))).mtimeMs,
  );
  if (built >= sources) return;
  await promisify(execFile)(process.execPath, ['scripts/build-webchat.mjs'], { cwd: packageDir });
}

/** The bridge's webchat lines and its warnings and errors, newest last (at most 120), for a failed test's report. */
function bridgeLogReport(logs: readonly Record<string, unknown>[]): string {
  const started = Number(logs[0]?.time ?? Date.now());
  const lines = logs
    .filter((line) => line.component === 'webchat' || Number(line.level) >= 40)
    .slice(-120)
    .map((line) => {
      const { time, level, msg, pid: _pid, hostname: _hostname, ...rest } = line;
      const text = `+${Number(time) - started} ms [${String(level)}] ${String(msg)} ${JSON.stringify(rest)}`;
      return text.length > 400 ? `${text.slice(0, 400)}…` : text;
    });
  return lines.length > 0 ? lines.join('\n') : '(no webchat line, warning or error)';
}

/** The relay harness with a webchat instance attached to the connected account. */
export interface WebchatHarness {
  readonly relay: RelayHarness;
  readonly instanceKey: string;
  readonly sourceExternalId: string;
  /** `http://127.0.0.1:<port>` of the bridge. */
  readonly bridgeUrl: string;
  close(): Promise<void>;
}

/** Starts sandbox + bridge and adds a webchat instance with the given settings. */
export async function createWebchatHarness(options: {
  readonly engine: StoreDialect;
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly key?: string;
  /** Extra bridge environment (see the relay harness). */
  readonly env?: Readonly<Record<string, string>>;
}): Promise<WebchatHarness> {
  // At debug, the log says when each socket upgrade arrived, opened and closed (see bridgeLogReport).
  const relay = await createRelayHarness({
    engine: options.engine,
    logLevel: 'debug',
    ...(options.env ? { env: options.env } : {}),
  });
  const removeReport = reportOnFailure(`bridge log (${options.engine})`, () => bridgeLogReport(relay.logs));
  try {
    const added = await addWebchatChannel(relay.bridge, {
      name: 'Northwind Flowers website',
      key: options.key ?? 'shop',
      settings: options.settings ?? {},
    });
    return {
      relay,
      instanceKey: added.instance.key,
      sourceExternalId: added.sourceExternalId ?? '',
      bridgeUrl: relay.bridge.url.replace('localhost', '127.0.0.1'),
      close: async () => {
        removeReport();
        await relay.close();
      },
    };
  } catch (error) {
    removeReport();
    await relay.close();
    throw error;
  }
}

/** A socket client speaking the widget protocol, recording every frame. */
export interface TestSocket {
  readonly frames: WebchatServerFrame[];
  /** Resolves with the close code once the socket is closed (by either side). */
  readonly closed: Promise<number>;
  send(frame: unknown): void;
  /** Resolves with the first frame from now on matching `type` and `predicate`. */
  next<T extends WebchatServerFrame['type']>(
    type: T,
    predicate?: (frame: Extract<WebchatServerFrame, { type: T }>) => boolean,
  ): Promise<Extract<WebchatServerFrame, { type: T }>>;
  /** Like `next`, but an already received matching frame counts too. */
  find<T extends WebchatServerFrame['type']>(
    type: T,
    predicate?: (frame: Extract<WebchatServerFrame, { type: T }>) => boolean,
  ): Promise<Extract<WebchatServerFrame, { type: T }>>;
  close(): Promise<void>;
}

/** Opens a socket to an instance with the given Origin; rejects with the HTTP status when the upgrade is refused. */
export function openSocket(bridgeUrl: string, instanceKey: string, origin: string | undefined): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${bridgeUrl.replace(/^http/, 'ws')}/webchat/${instanceKey}/socket`, {
      ...(origin ? { origin } : {}),
    });
    const frames: WebchatServerFrame[] = [];
    const waiters: { test: (f: WebchatServerFrame) => boolean; resolve: (f: WebchatServerFrame) => void }[] = [];
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as WebchatServerFrame;
      frames.push(frame);
      for (const waiter of [...waiters]) {
        if (waiter.test(frame)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(frame);
        }
      }
    });
    const closed = new Promise<number>((done) => ws.once('close', (code) => done(code)));
    ws.on('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    ws.on('error', reject);
    const next: TestSocket['next'] = (type, predicate) =>
      new Promise((done, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`no "${type}" frame within 20 s; frames so far: ${JSON.stringify(frames)}`)),
          20_000,
        );
        waiters.push({
          test: (f) => f.type === type && (!predicate || predicate(f as never)),
          resolve: (f) => {
            clearTimeout(timer);
            (done as (f: WebchatServerFrame) => void)(f);
          },
        });
      });
    ws.on('open', () =>
      resolve({
        frames,
        closed,
        send: (frame) => ws.send(JSON.stringify(frame)),
        next,
        find: (type, predicate) => {
          const seen = frames.find((f) => f.type === type && (!predicate || predicate(f as never)));
          return seen ? Promise.resolve(seen as never) : next(type, predicate);
        },
        close: () =>
          new Promise<void>((closed) => {
            if (ws.readyState === WebSocket.CLOSED) return closed();
            ws.once('close', () => closed());
            ws.close();
          }),
      }),
    );
  });
}
