import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO, defaultDemoConfig, runCli, type Sandbox } from '@amojo-bridge/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { control, signedCall } from './fixtures/helpers.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t) },
    },
  };
}

const running: Sandbox[] = [];
const temp: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  for (const dir of temp.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('runCli', () => {
  it('prints the help with every flag', async () => {
    const { out, io } = capture();
    const result = await runCli(['--help'], io);
    expect(result).toEqual({ exitCode: 0 });
    for (const flag of [
      '--port',
      '--host',
      '--channel-id',
      '--channel-secret',
      '--channel-name',
      '--account-id',
      '--hook-url',
      '--max-date-skew',
      '--config',
      '--hook-drop-rate',
      '--hook-delay-ms',
      '--api-failure-rate',
      '--api-hang-rate',
      '--state-file',
    ]) {
      expect(out.stdout).toContain(flag);
    }
    // A fixed default port, so `npx amojo-sandbox` prints the same URLs every time.
    expect(out.stdout).toContain('default 4080; 0 = any free port');
  });

  it.each([
    [['--port', 'abc'], '--port'],
    [['--port', '70000'], '--port'],
    [['--max-date-skew', '-5'], '--max-date-skew'],
    [['--hook-drop-rate', '2'], '--hook-drop-rate'],
    [['--api-failure-rate', 'x'], '--api-failure-rate'],
    [['--hook-delay-ms', '500-100'], '--hook-delay-ms'],
    [['--channel-id', 'has_underscore'], '--channel-id'],
    [['--hook-url', 'ftp://x'], '--hook-url'],
    [['--config', '/nonexistent/sandbox.json'], '--config'],
    [['--no-such-flag'], 'no-such-flag'],
  ])('exits 2 naming the flag for %j', async (argv, flag) => {
    const { out, io } = capture();
    const result = await runCli(argv, io);
    expect(result.exitCode).toBe(2);
    expect(result.sandbox).toBeUndefined();
    expect(out.stderr).toContain(flag);
  });

  it('starts the demo setup with no flags and prints every id, secret and URL', async () => {
    const { out, io } = capture();
    const result = await runCli(['--port', '0'], io);
    expect(result.exitCode).toBe(0);
    const sandbox = result.sandbox!;
    running.push(sandbox);
    const demo = defaultDemoConfig();
    for (const expected of [
      `${sandbox.url}/`,
      `${sandbox.url}/v2/origin/custom/`,
      DEMO.channelId,
      DEMO.channelSecret,
      DEMO.accountAmojoId,
      `${DEMO.channelId}_${DEMO.accountAmojoId}`,
      DEMO.clientId,
      DEMO.clientSecret,
      DEMO.redirectUri,
      demo.channels[0]!.hookUrl!,
    ]) {
      expect(out.stdout).toContain(expected);
    }
    // Connecting prints the scope id.
    const connect = await signedCall(sandbox.url, {
      method: 'POST',
      path: `/v2/origin/custom/${DEMO.channelId}/connect`,
      body: { account_id: DEMO.accountAmojoId, hook_api_version: 'v2' },
      secret: DEMO.channelSecret,
    });
    expect(connect.status).toBe(200);
    expect(out.stdout).toContain(`Connected: scope id ${DEMO.channelId}_${DEMO.accountAmojoId}`);
  });

  it('applies the channel, account, skew and fault flags over a --config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-cli-'));
    temp.push(dir);
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ ...defaultDemoConfig(), maxDateSkewSeconds: 60 }));
    const { out, io } = capture();
    const result = await runCli(
      [
        '--port',
        '0',
        '--config',
        file,
        '--channel-id',
        'c0c0c0c0-1111-4222-8333-444455556666',
        '--channel-secret',
        'abcdefabcdefabcdefabcdefabcdefabcdefabcd',
        '--channel-name',
        'CLI channel',
        '--account-id',
        'ac0c0c0c-1111-4222-8333-444455556666',
        '--hook-url',
        'http://127.0.0.1:9/hook/:scope_id',
        '--max-date-skew',
        '7200',
        '--hook-delay-ms',
        '10-20',
        '--api-failure-rate',
        '0',
      ],
      io,
    );
    expect(result.exitCode, out.stderr).toBe(0);
    const sandbox = result.sandbox!;
    running.push(sandbox);
    const config = (await control(sandbox.url, 'GET', '/config')).json;
    expect(config.channels[0]).toMatchObject({
      id: 'c0c0c0c0-1111-4222-8333-444455556666',
      name: 'CLI channel',
      hookUrl: 'http://127.0.0.1:9/hook/:scope_id',
    });
    expect(config.accounts[0].amojoId).toBe('ac0c0c0c-1111-4222-8333-444455556666');
    expect((await control(sandbox.url, 'GET', '/faults')).json.hookDelayMs).toEqual([10, 20]);
    // A Date one hour old passes with --max-date-skew 7200 (the file said 60), signed with the flag's secret.
    const connect = await signedCall(sandbox.url, {
      method: 'POST',
      path: '/v2/origin/custom/c0c0c0c0-1111-4222-8333-444455556666/connect',
      body: { account_id: 'ac0c0c0c-1111-4222-8333-444455556666', hook_api_version: 'v2' },
      secret: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd',
      date: new Date(Date.now() - 3600_000),
    });
    expect(connect.status).toBe(200);
  });

  const builtCli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  it.skipIf(!existsSync(builtCli))('runs the built bin and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [builtCli, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Chats API base URL')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const url = /Chats API base URL\s+(\S+)/.exec(stdout)![1]!;
    expect((await fetch(`${url}/_sandbox/api/config`)).status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.removeAllListeners('exit');
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});
