import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { BridgeConfigError, BridgeError } from '../src/errors.js';

const CHANNEL_ID = '344a5002-f8ca-454d-af3d-396180102ac7';
const SECRET = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
const minimal = { AMOJO_CHANNEL_ID: CHANNEL_ID, AMOJO_CHANNEL_SECRET: SECRET };

function configError(run: () => unknown): BridgeConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeConfigError);
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeConfigError).code).toBe('config_invalid');
    return error as BridgeConfigError;
  }
  throw new Error('expected a BridgeConfigError');
}

function writeFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'amojo-config-')), 'bridge.json');
  writeFileSync(path, content);
  return path;
}

describe('loadConfig', () => {
  it('applies defaults around the two required channel settings', () => {
    const config = loadConfig({ env: minimal });
    expect(config).toMatchObject({
      channel: { id: CHANNEL_ID, secret: SECRET, botId: undefined, botName: undefined },
      amojoBaseUrl: 'https://amojo.amocrm.ru',
      databaseUrl: 'sqlite:./data/amojo-bridge.sqlite',
      http: { host: '0.0.0.0', port: 8080, publicUrl: undefined },
      adminToken: undefined,
      logLevel: 'info',
      encryptionKeySource: 'derived',
      queue: { concurrency: 8, pollIntervalMs: 1000, leaseMs: 60_000 },
      configFile: undefined,
    });
    expect(config.encryptionKey).toHaveLength(32);
    // Derived deterministically from the channel secret, and different for another secret.
    expect(loadConfig({ env: minimal }).encryptionKey).toEqual(config.encryptionKey);
    expect(loadConfig({ env: { ...minimal, AMOJO_CHANNEL_SECRET: 'other' } }).encryptionKey).not.toEqual(
      config.encryptionKey,
    );
  });

  it('reads every variable', () => {
    const key = 'ab'.repeat(32);
    const config = loadConfig({
      env: {
        ...minimal,
        AMOJO_CHANNEL_BOT_ID: 'bot-1',
        AMOJO_CHANNEL_BOT_NAME: 'Bridge bot',
        AMOJO_CHANNEL_CODE: 'amo.ext.1',
        AMOJO_BASE_URL: 'http://127.0.0.1:9999/',
        DATABASE_URL: 'postgres://user:pw@127.0.0.1:5432/bridge',
        PORT: '0',
        HOST: '127.0.0.1',
        PUBLIC_URL: 'https://bridge.example.com/',
        ADMIN_TOKEN: 'x'.repeat(20),
        LOG_LEVEL: 'debug',
        ENCRYPTION_KEY: key,
        QUEUE_CONCURRENCY: '16',
        QUEUE_POLL_INTERVAL_MS: '250',
        QUEUE_LEASE_MS: '30000',
        QUEUE_SETTLE_WINDOW_MS: '0',
      },
    });
    expect(config.channel).toEqual({
      id: CHANNEL_ID,
      secret: SECRET,
      botId: 'bot-1',
      botName: 'Bridge bot',
      code: 'amo.ext.1',
    });
    expect(config.amojoBaseUrl).toBe('http://127.0.0.1:9999');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 0, publicUrl: 'https://bridge.example.com' });
    expect(config.encryptionKey).toEqual(new Uint8Array(Buffer.from(key, 'hex')));
    expect(config.encryptionKeySource).toBe('env');
    expect(config.queue).toEqual({ concurrency: 16, pollIntervalMs: 250, settleWindowMs: 0, leaseMs: 30_000 });
    expect(config.logLevel).toBe('debug');
    // base64 keys are accepted too
    const b64 = Buffer.alloc(32, 9).toString('base64');
    expect(loadConfig({ env: { ...minimal, ENCRYPTION_KEY: b64 } }).encryptionKey).toEqual(new Uint8Array(32).fill(9));
  });

  it.each([
    ['AMOJO_CHANNEL_ID', 'not-a-uuid-VALUE'],
    ['AMOJO_BASE_URL', 'ftp://amojo.example-VALUE'],
    ['DATABASE_URL', 'mysql://root:hunter2-VALUE@db/x'],
    ['PORT', '80a-VALUE'],
    ['PORT', '70000'],
    ['PUBLIC_URL', 'bridge.example.com-VALUE'],
    ['ADMIN_TOKEN', 'short-VALUE'],
    ['LOG_LEVEL', 'loud-VALUE'],
    ['ENCRYPTION_KEY', 'too-short-secret-VALUE'],
    ['QUEUE_CONCURRENCY', '0'],
    ['QUEUE_POLL_INTERVAL_MS', 'soon-VALUE'],
    ['QUEUE_LEASE_MS', '5'],
  ])('names %s when it is bad (%s) without echoing the value', (variable, value) => {
    const error = configError(() => loadConfig({ env: { ...minimal, [variable]: value } }));
    expect(error.issues.map((issue) => issue.variable)).toEqual([variable]);
    expect(error.message).toContain(variable);
    expect(error.message).toContain('expected');
    // Values marked VALUE are distinctive enough to search for (a bare "0" would match "1024").
    if (value.includes('VALUE')) expect(error.message).not.toContain(value);
  });

  it('reads the knobs that have no other way in (batcher, recovery feed and start, http POST, webchat starts)', () => {
    const defaults = loadConfig({ env: minimal });
    expect(defaults.batcher).toEqual({ maxBatch: 64, maxWaitMs: 2 });
    expect(defaults.recovery).toMatchObject({ firstLookbackSeconds: 3600, overlapSeconds: 30, startTimeoutMs: 10_000 });
    expect(defaults.channels).toEqual({
      httpPostTimeoutMs: 10_000,
      webchatStartsPerMinute: 20,
      webchatStartBurst: 10,
      holdProbeMs: 30_000,
    });
    const set = loadConfig({
      env: {
        ...minimal,
        COMMIT_BATCH_MAX: '8',
        COMMIT_BATCH_WAIT_MS: '0',
        RECOVERY_FIRST_LOOKBACK_SECONDS: '7200',
        RECOVERY_OVERLAP_SECONDS: '5',
        RECOVERY_GRACE_SECONDS: '1',
        RECOVERY_START_TIMEOUT_MS: '0',
        HTTP_CHANNEL_POST_TIMEOUT_MS: '2500',
        WEBCHAT_STARTS_PER_MINUTE: '120',
        WEBCHAT_START_BURST: '40',
        CHANNEL_HOLD_PROBE_MS: '500',
      },
    });
    expect(set.batcher).toEqual({ maxBatch: 8, maxWaitMs: 0 });
    expect(set.recovery).toMatchObject({
      firstLookbackSeconds: 7200,
      overlapSeconds: 5,
      graceSeconds: 1,
      startTimeoutMs: 0,
    });
    expect(set.channels).toEqual({
      httpPostTimeoutMs: 2500,
      webchatStartsPerMinute: 120,
      webchatStartBurst: 40,
      holdProbeMs: 500,
    });
    const bad = configError(() =>
      loadConfig({ env: { ...minimal, COMMIT_BATCH_MAX: '0', WEBCHAT_STARTS_PER_MINUTE: 'many-VALUE' } }),
    );
    expect(bad.issues).toEqual([
      { variable: 'COMMIT_BATCH_MAX', expected: 'an integer between 1 and 10000' },
      { variable: 'WEBCHAT_STARTS_PER_MINUTE', expected: 'an integer between 1 and 100000' },
    ]);
    expect(bad.message).not.toContain('many-VALUE');
  });

  it('reports every missing required variable at once, never the secret', () => {
    const error = configError(() => loadConfig({ env: { PORT: 'x' } }));
    expect(error.issues.map((issue) => issue.variable)).toEqual(['AMOJO_CHANNEL_ID', 'AMOJO_CHANNEL_SECRET', 'PORT']);
    const withSecret = configError(() => loadConfig({ env: { AMOJO_CHANNEL_SECRET: SECRET, PORT: 'x' } }));
    expect(withSecret.message).not.toContain(SECRET);
  });

  it('reads a JSON config file that the environment overrides', () => {
    const file = writeFile(
      JSON.stringify({ channelId: CHANNEL_ID, channelSecret: SECRET, port: 9000, logLevel: 'warn' }),
    );
    const fromFile = loadConfig({ env: {}, file });
    expect(fromFile).toMatchObject({ http: { port: 9000 }, logLevel: 'warn', configFile: file });
    const overridden = loadConfig({ env: { AMOJO_BRIDGE_CONFIG: file, PORT: '9100' } });
    expect(overridden).toMatchObject({ http: { port: 9100 }, logLevel: 'warn', configFile: file });
  });

  it('names the file key, unknown keys, and unreadable files', () => {
    const file = writeFile(
      JSON.stringify({ ...{ channelId: CHANNEL_ID, channelSecret: SECRET }, port: 'nope', colour: 'red' }),
    );
    const error = configError(() => loadConfig({ env: {}, file }));
    expect(error.issues.map((issue) => issue.variable)).toEqual([`colour in ${file}`, `port in ${file}`]);

    const broken = writeFile(`{"channelSecret": "${SECRET}",`);
    const invalid = configError(() => loadConfig({ env: minimal, file: broken }));
    expect(invalid.issues.map((issue) => issue.variable)).toEqual(['--config']);
    expect(invalid.message).not.toContain(SECRET);

    const missing = configError(() =>
      loadConfig({ env: { ...minimal, AMOJO_BRIDGE_CONFIG: '/nonexistent/bridge.json' } }),
    );
    expect(missing.issues[0]?.variable).toBe('AMOJO_BRIDGE_CONFIG');
    expect(missing.message).toContain('ENOENT');
  });
});
