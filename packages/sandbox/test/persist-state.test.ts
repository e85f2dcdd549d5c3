import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type Sandbox, SandboxError, startSandbox } from '@amojo-bridge/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT_ID,
  connectScope,
  control,
  incoming,
  MANAGER_ID,
  postToScope,
  SCOPE_ID,
  testOptions,
} from './fixtures/helpers.js';
import { type GetReceiver, startGetReceiver } from './rest-harness.js';

const CLIENT_ID = 'c0ffee00-0000-4000-8000-0000000000aa';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const running: Sandbox[] = [];
const dirs: string[] = [];
const receivers: GetReceiver[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
  dirs.push(dir);
  return dir;
}

async function start(stateFile: string, redirectUri: string): Promise<Sandbox> {
  const sandbox = await startSandbox(
    testOptions({
      stateFile,
      integrations: [{ clientId: CLIENT_ID, clientSecret: 'secret-aa', redirectUri, multipleSources: true }],
    }),
  );
  running.push(sandbox);
  return sandbox;
}

async function rest(url: string, method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function tokens(url: string, redirectUri: string): Promise<{ access_token: string; refresh_token: string }> {
  const installed = await control(url, 'POST', '/crm/install', { account: ACCOUNT_ID, clientId: CLIENT_ID });
  expect(installed.status, installed.text).toBe(200);
  const exchanged = await fetch(`${url}/oauth2/access_token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_id: CLIENT_ID,
      client_secret: 'secret-aa',
      grant_type: 'authorization_code',
      code: installed.json.code,
      redirect_uri: redirectUri,
    }),
  });
  expect(exchanged.status).toBe(200);
  return (await exchanged.json()) as { access_token: string; refresh_token: string };
}

describe('sandbox state file', () => {
  it('keeps chats, messages, scopes, CRM data, tokens and uploads across a restart', async () => {
    const dir = tempDir();
    const file = join(dir, 'nested', 'state.json');
    const receiver = await startGetReceiver();
    receivers.push(receiver);

    const first = await start(file, receiver.url);
    expect(await connectScope(first.url)).toBe(SCOPE_ID);
    const message = incoming('conv-1', 'Hello before the restart');
    expect((await postToScope(first.url, SCOPE_ID, message)).status).toBe(200);
    const chatId = (await control(first.url, 'GET', '/chats')).json[0].id as string;
    const upload = await control(first.url, 'POST', '/uploads', {
      fileName: 'dot.png',
      mimeType: 'image/png',
      dataBase64: PNG.toString('base64'),
    });
    expect(upload.status).toBe(200);
    const reply = await control(first.url, 'POST', `/chats/${chatId}/messages`, {
      type: 'picture',
      media: upload.json.url,
      fileName: 'dot.png',
      fileSize: PNG.length,
      userId: MANAGER_ID,
    });
    expect(reply.status, reply.text).toBe(200);
    const pair = await tokens(first.url, receiver.url);
    const created = await rest(first.url, 'POST', '/api/v4/sources', pair.access_token, [
      { name: 'Website', external_id: 'site-1' },
    ]);
    expect(created.status).toBe(200);
    const crmBefore = (await control(first.url, 'GET', `/crm?account=${ACCOUNT_ID}`)).json;
    expect(crmBefore.contacts).toHaveLength(1);
    await first.close();

    expect(existsSync(file)).toBe(true);
    // Atomic writes leave no temp file behind.
    expect(readdirSync(join(dir, 'nested')).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const second = await start(file, receiver.url);
    const chats = (await control(second.url, 'GET', '/chats')).json;
    expect(chats).toMatchObject([{ id: chatId }]);
    const messages = (await control(second.url, 'GET', `/chats/${chatId}/messages`)).json;
    expect(messages.map((m: { text: string; type: string }) => m.type)).toEqual(['text', 'picture']);
    expect(messages[0].text).toBe('Hello before the restart');
    // The scope is still connected and the msgid still taken.
    const config = (await control(second.url, 'GET', '/config')).json;
    expect(config.scopes).toMatchObject([{ scopeId: SCOPE_ID, connected: true }]);
    const again = await postToScope(second.url, SCOPE_ID, message);
    expect(again.status).toBe(400);
    expect(again.json.error_type).toBe('DUPLICATE_MSGID');
    // CRM: the same contacts, leads and sources; the token issued before the restart still works.
    expect((await control(second.url, 'GET', `/crm?account=${ACCOUNT_ID}`)).json).toEqual(crmBefore);
    const account = await rest(second.url, 'GET', '/api/v4/account', pair.access_token);
    expect(account.status).toBe(200);
    const sources = (await (await rest(second.url, 'GET', '/api/v4/sources', pair.access_token)).json()) as {
      _embedded: { sources: { external_id: string }[] };
    };
    expect(sources._embedded.sources.map((s) => s.external_id)).toEqual(['site-1']);
    // The uploaded picture is served again, byte for byte, under the same path.
    const path = new URL(upload.json.url as string).pathname;
    const served = await fetch(`${second.url}${path}`);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
    // New records continue the id sequences instead of reusing ids.
    expect((await postToScope(second.url, SCOPE_ID, incoming('conv-2', 'A second client'))).status).toBe(200);
    const crmAfter = (await control(second.url, 'GET', `/crm?account=${ACCOUNT_ID}`)).json;
    const ids = crmAfter.contacts.map((c: { id: number }) => c.id);
    expect(new Set(ids).size).toBe(2);
  });

  it('saves after a change without waiting for close', async () => {
    const file = join(tempDir(), 'state.json');
    const sandbox = await start(file, 'http://127.0.0.1:9/cb');
    await connectScope(sandbox.url);
    expect((await postToScope(sandbox.url, SCOPE_ID, incoming('conv-live', 'saved soon'))).status).toBe(200);
    // Debounced: poll the file until the message is in it (a crash after this point loses nothing).
    for (let i = 0; i < 100 && !(existsSync(file) && readFileSync(file, 'utf8').includes('saved soon')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(readFileSync(file, 'utf8')).toContain('saved soon');
  });

  it('refuses a state file that is not valid JSON, naming the file', async () => {
    const file = join(tempDir(), 'broken.json');
    writeFileSync(file, '{ not json');
    const failure = await start(file, 'http://127.0.0.1:9/cb').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SandboxError);
    expect((failure as SandboxError).code).toBe('STATE_FILE_INVALID');
    expect((failure as Error).message).toContain(file);
  });

  it('the CLI takes --state-file and reports a busy port by number', async () => {
    const file = join(tempDir(), 'cli-state.json');
    const out = { stdout: '', stderr: '' };
    const io = {
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t) },
    };
    const result = await runCli(['--port', '0', '--state-file', file], io);
    expect(result.exitCode, out.stderr).toBe(0);
    const sandbox = result.sandbox!;
    running.push(sandbox);
    expect(out.stdout).toContain(`State kept in ${file}`);
    const busy = await runCli(['--port', String(sandbox.port)], io);
    expect(busy.exitCode).toBe(1);
    expect(out.stderr).toContain(`port ${sandbox.port} is busy`);
    await sandbox.close();
    expect(existsSync(file)).toBe(true);
  });

  it('a second sandbox on the same state file is refused naming the pid, and never writes the file', async () => {
    const file = join(tempDir(), 'owned.json');
    const first = await start(file, 'http://127.0.0.1:9/cb');
    await first.close();
    const saved = readFileSync(file, 'utf8');
    const owner = await start(file, 'http://127.0.0.1:9/cb');
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({
      pid: process.pid,
      command: 'amojo-sandbox',
    });
    await expect(start(file, 'http://127.0.0.1:9/cb')).rejects.toThrow(
      new RegExp(`${file} is in use by process ${process.pid} \\(amojo-sandbox`),
    );
    const out = { stdout: '', stderr: '' };
    const io = {
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t) },
    };
    const cli = await runCli(['--port', '0', '--state-file', file], io);
    expect(cli.exitCode).toBe(2);
    expect(out.stderr).toContain(`is in use by process ${process.pid}`);
    expect(readFileSync(file, 'utf8')).toBe(saved);
    await owner.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
