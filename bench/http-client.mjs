// `node bench/http-client.mjs [requests]`: CPU per POST of the global fetch against the SDK's node:http transport
// (keep-alive, bounded sockets), same server (a child process), same run, alternating rounds. Prints JSON.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { loadNow } from './lib/machine.mjs';

if (process.argv[2] === 'serve') {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
} else {
  const { createNodeTransport } = await import('../packages/sdk/dist/index.js');
  const total = Number(process.argv[2] ?? 4000);
  const concurrency = 16;
  const child = fork(new URL(import.meta.url).pathname, ['serve'], { stdio: 'inherit' });
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  const url = `http://127.0.0.1:${port}/events`;
  const body = JSON.stringify({ text: 'x'.repeat(200) });
  const headers = { 'content-type': 'application/json' };
  const node = createNodeTransport({ maxSocketsPerHost: concurrency });
  const clients = {
    fetch: async () => {
      const r = await fetch(url, { method: 'POST', headers, body });
      await r.text();
    },
    'node:http': async () => {
      await node.send({ method: 'POST', url, headers, body, timeoutMs: 10_000 });
    },
  };
  const round = async (send) => {
    let next = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < total) await send();
      }),
    );
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { reqPerSec: Math.round((total / ms) * 1000), cpuUsPerReq: Math.round((cpu.user + cpu.system) / total) };
  };
  const results = { load: loadNow(), rounds: [] };
  for (const name of Object.keys(clients)) await round(clients[name]); // warm-up
  for (let i = 0; i < 3; i++) {
    for (const name of Object.keys(clients)) results.rounds.push({ client: name, ...(await round(clients[name])) });
  }
  results.loadAfter = loadNow();
  console.log(JSON.stringify(results, null, 1));
  node.close();
  child.disconnect();
}
