// One measured server in its own process, so its CPU profile and resident memory are its own and the load
// generator does not share its event loop. `node server-process.mjs bare|bridge`; driven over IPC by the bench.
//   parent -> child: {type:'start', env, worker}      child -> parent: {type:'ready', url}
//   parent -> child: {type:'setup', ...}               child -> parent: {type:'setup-done', scopeId}
//   parent -> child: {type:'prefill', rows, scopeId, channelInstanceKey}   child -> parent: {type:'prefill-done', ...}
//   parent -> child: {type:'stats'}                    child -> parent: {type:'stats', rss, heapUsed, queue, cpuUs}
//   parent -> child: {type:'profile-start'} / {type:'profile-stop', file}: a CPU profile of just the measured window
//   parent -> child: {type:'stop'}                     child exits 0 (a --cpu-prof profile is written on exit)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import Fastify from 'fastify';
import { connectAccount } from '../../packages/bridge/dist/accounts/index.js';
import { addWebchatChannel } from '../../packages/bridge/dist/channels/webchat/index.js';
import { loadConfig } from '../../packages/bridge/dist/config/index.js';
import { createLogger } from '../../packages/bridge/dist/log.js';
import { queueStats } from '../../packages/bridge/dist/queue/index.js';
import { createBridge } from '../../packages/bridge/dist/service/create-bridge.js';
import { upsertChannelInstance } from '../../packages/bridge/dist/store/channel-instances/index.js';
import { upsertSource } from '../../packages/bridge/dist/store/sources/index.js';
import { prefillStore } from './prefill.mjs';

const mode = process.argv[2];
let bridge;
let bare;
let config;
let inspector;

function send(message) {
  process.send?.(message);
}

// The baseline: the same route shape and the same raw-bytes body parser as the intake, and nothing else.
async function startBare() {
  bare = Fastify({ logger: false });
  bare.removeAllContentTypeParsers();
  bare.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );
  bare.post('/hooks/amojo/:scope_id', async (_request, reply) => reply.code(200).send({ ok: true }));
  return bare.listen({ host: '127.0.0.1', port: 0 });
}

async function startBridge(env, worker) {
  config = loadConfig({ env });
  bridge = await createBridge({ config, log: createLogger({ level: env.LOG_LEVEL ?? 'info' }) });
  // Intake-only runs listen without the worker, so accepted hooks stay queued and no delivery competes for the CPU.
  if (worker) return bridge.start();
  return bridge.app.listen({ host: config.http.host, port: config.http.port });
}

async function setup(message) {
  const account = await connectAccount(bridge, { accountId: message.accountId });
  if (message.instance) {
    const instance = await upsertChannelInstance(bridge.store.db, {
      key: message.instance.key,
      kind: 'http',
      name: 'Bench customer system',
      accountId: account.id,
      settings: { url: message.instance.url },
      secret: message.instance.secret,
      encryptionKey: config.encryptionKey,
      enabled: true,
    });
    await upsertSource(bridge.store.db, {
      accountId: account.id,
      externalId: message.instance.sourceExternalId,
      channelInstanceId: instance.id,
      isDefault: true,
    });
  }
  if (message.webchat) {
    await addWebchatChannel(bridge, {
      name: 'Bench website',
      key: message.webchat.key,
      accountId: message.accountId,
      isDefaultSource: !message.instance,
    });
  }
  return account.scopeId;
}

async function stats(withQueue) {
  const memory = process.memoryUsage();
  let queue;
  if (withQueue && bridge) {
    const rows = await queueStats(bridge.store);
    queue = rows.reduce((sum, row) => sum + row.queued + row.running, 0);
  }
  const cpu = process.cpuUsage();
  return { rss: memory.rss, heapUsed: memory.heapUsed, queue, cpuUs: cpu.user + cpu.system };
}

// The bench died or was interrupted: never outlive it.
process.on('disconnect', () => process.exit(1));

process.on('message', async (message) => {
  try {
    if (message.type === 'start') {
      const url = mode === 'bare' ? await startBare() : await startBridge(message.env, message.worker);
      send({ type: 'ready', url, pid: process.pid });
    } else if (message.type === 'setup') {
      send({ type: 'setup-done', scopeId: await setup(message) });
    } else if (message.type === 'prefill') {
      const filled = await prefillStore(bridge.store, {
        rows: message.rows,
        scopeId: message.scopeId,
        channelInstanceKey: message.channelInstanceKey,
        log: (line) => console.log(`[bench] ${line}`),
      });
      send({ type: 'prefill-done', ...filled });
    } else if (message.type === 'stats') {
      send({ type: 'stats', ...(await stats(message.queue)) });
    } else if (message.type === 'profile-start') {
      inspector = new Session();
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
      await inspector.post('Profiler.start');
      send({ type: 'profile-started' });
    } else if (message.type === 'profile-stop') {
      const { profile } = await inspector.post('Profiler.stop');
      inspector.disconnect();
      inspector = undefined;
      writeFileSync(message.file, JSON.stringify(profile));
      send({ type: 'profile-stopped', file: message.file });
    } else if (message.type === 'stop') {
      if (bridge) await bridge.stop();
      if (bare) await bare.close();
      process.disconnect?.();
      process.exit(0);
    }
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
