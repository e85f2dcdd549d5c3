// `npm start`: the one-command demo. The sandbox (a local amoCRM with its manager inbox) and the bridge (SQLite) on
// localhost, the demo account connected, a webchat instance on a demo shop page. State lives in ./data (or
// DEMO_DATA_DIR), so a second run keeps the conversations. Plain ESM over the built packages, no TypeScript loader.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuilt } from './ensure-built.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const print = (text) => process.stdout.write(`${text}\n`);
const fail = (text, code = 1) => {
  process.stderr.write(`\n${text}\n`);
  process.exit(code);
};
// Exit 2: another demo owns the data folder; nothing was started and nothing in the folder was written.
const EXIT_DATA_IN_USE = 2;
const inUseMessage = (error) =>
  `The demo's data folder ${shown(dataDir)}/ is in use: ${error.message}\nStop the other \`npm start\` (or run this one with DEMO_DATA_DIR=<another folder>).`;

/** The demo instance's key: the `data-instance` of its script tag, the same on every run. */
const WEBCHAT_KEY = 'demo-shop';
const SOURCE_EXTERNAL_ID = 'webchat-demo-shop';
const SOURCE_NAME = 'Northwind Flowers website';

const env = process.env;
const logLevel = env.LOG_LEVEL?.trim() || 'warn';
const dataDir = resolve(env.DEMO_DATA_DIR?.trim() || join(root, 'data'));
const shown = (path) => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
};

function portFrom(variable, fallback) {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`${variable} must be a port number 0..65535 (got "${raw}").`);
  return port;
}

// Port 0 means "any free port"; both sides need the other's port before either starts, so a free one is picked now.
function freePort() {
  return new Promise((done, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

const busy = (error) => error?.code === 'EADDRINUSE' || /EADDRINUSE/.test(String(error?.message));
const busyMessage = (port, what, variable) =>
  `Port ${port} (${what}) is already in use by another program. Stop it, or pick another port:\n  ${variable}=<port> npm start   (0 = any free port)`;

// Kept once in the data folder: the admin API's Bearer token survives restarts, and is never printed.
function adminToken() {
  const file = join(dataDir, 'demo-admin-token');
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) return { token, file };
  }
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, file };
}

// The sandbox logs through this: warnings and errors on stderr, more with LOG_LEVEL=info/debug.
function sandboxLogger() {
  const order = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
  const min = logLevel === 'silent' ? Number.POSITIVE_INFINITY : Math.max(0, order.indexOf(logLevel));
  const at = (level) => (obj, msg) => {
    if (order.indexOf(level) >= min) process.stderr.write(`[sandbox] ${level}: ${msg ?? ''} ${JSON.stringify(obj)}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function main() {
  if (!ensureBuilt(root, print)) process.exit(1);
  const dist = (path) => import(pathToFileURL(join(root, path)).href);
  const { DEMO, defaultDemoConfig, startSandbox } = await dist('packages/sandbox/dist/index.js');
  const { addWebchatChannel, connectAccount, createBridge, createLogger, loadConfig, BridgeConfigError } = await dist(
    'packages/bridge/dist/index.js',
  );

  mkdirSync(dataDir, { recursive: true });
  const sandboxPort = portFrom('SANDBOX_PORT', 4080) || (await freePort());
  const bridgePort = portFrom('PORT', 8080) || (await freePort());
  const publicUrl = `http://localhost:${bridgePort}`;

  let sandbox;
  try {
    sandbox = await startSandbox({
      ...defaultDemoConfig({
        hookUrl: `http://127.0.0.1:${bridgePort}/hooks/amojo/:scope_id`,
        // The inbox's "Marketplace: install" runs the OAuth install against this bridge.
        redirectUri: `${publicUrl}/amocrm/oauth/callback`,
        disabledHookUrl: `http://127.0.0.1:${bridgePort}/amocrm/disabled`,
      }),
      port: sandboxPort,
      stateFile: join(dataDir, 'sandbox-state.json'),
      log: sandboxLogger(),
    });
  } catch (error) {
    if (error?.code === 'STATE_FILE_LOCKED') fail(inUseMessage(error), EXIT_DATA_IN_USE);
    if (busy(error)) fail(busyMessage(sandboxPort, 'the sandbox, the manager inbox', 'SANDBOX_PORT'));
    throw error;
  }

  let bridge;
  const { token, file: tokenFile } = adminToken();
  try {
    const config = loadConfig({
      env: {
        AMOJO_CHANNEL_ID: DEMO.channelId,
        AMOJO_CHANNEL_SECRET: DEMO.channelSecret,
        AMOJO_CHANNEL_BOT_ID: DEMO.botId,
        AMOJO_CHANNEL_BOT_NAME: 'Demo bot',
        AMOJO_CHANNEL_CODE: DEMO.channelCode,
        AMOJO_BASE_URL: sandbox.url,
        DATABASE_URL: `sqlite:${join(dataDir, 'amojo-bridge.sqlite')}`,
        HOST: '127.0.0.1',
        PORT: String(bridgePort),
        PUBLIC_URL: publicUrl,
        ADMIN_TOKEN: token,
        LOG_LEVEL: logLevel,
        AMOCRM_CLIENT_ID: DEMO.clientId,
        AMOCRM_CLIENT_SECRET: DEMO.clientSecret,
        AMOCRM_BASE_URL: sandbox.url,
      },
    });
    bridge = await createBridge({
      config,
      log: createLogger({ level: config.logLevel }),
      owner: 'npm start (the demo)',
      stopTimeoutMs: 5000,
      startReconcileTimeoutMs: 5000,
    });
    // Idempotent: the same scope every run. The instance key is fixed, so its secret (the key of visitor tokens)
    // and its conversations are reused; the source is what amoCRM (here the sandbox CRM) files the leads under.
    await connectAccount(bridge, { accountId: DEMO.accountAmojoId, title: 'Website chat (demo)' });
    await addWebchatChannel(bridge, {
      name: SOURCE_NAME,
      key: WEBCHAT_KEY,
      accountId: DEMO.accountAmojoId,
      sourceExternalId: SOURCE_EXTERNAL_ID,
      settings: { title: 'Northwind Flowers' },
    });
    sandbox.state.crm.sourceStore.ensure(
      { accountAmojoId: DEMO.accountAmojoId, clientId: DEMO.clientId },
      { name: SOURCE_NAME, externalId: SOURCE_EXTERNAL_ID, default: false },
    );
    await bridge.start();
  } catch (error) {
    await bridge?.stop().catch(() => undefined);
    await sandbox.close();
    if (error?.code === 'store_locked') fail(inUseMessage(error), EXIT_DATA_IN_USE);
    if (error?.code === 'store_file_invalid') fail(`The demo could not start: ${error.message}`);
    if (busy(error)) fail(busyMessage(bridgePort, 'the bridge, the visitor page', 'PORT'));
    if (error instanceof BridgeConfigError) fail(`The demo configuration was refused: ${error.message}`);
    throw error;
  }

  const visitorUrl = `${publicUrl}/webchat/demo`;
  const inboxUrl = `${sandbox.url}/`;
  print(`
amojo-bridge demo is running.

  1. Visitor: a shop website with the chat widget    ${visitorUrl}
     (Russian: ${visitorUrl}?lang=ru)
  2. Manager: the amoCRM inbox (sandbox)              ${inboxUrl}

Open both side by side. On the shop page click the chat button, give a name, and write: the message appears in the
inbox as a new chat with its contact and lead. Answer there (text, pictures, reactions); the visitor sees it at once.

  Admin       ${publicUrl}/admin   (dashboard and /admin/api; Bearer token in ${shown(tokenFile)})
  Data        ${shown(dataDir)}/  (bridge: amojo-bridge.sqlite, sandbox: sandbox-state.json); delete it to start over
  Logs        warnings only; LOG_LEVEL=info npm start for more

Press Ctrl-C to stop.
`);

  let stoppingSince = 0;
  const stop = async (signal) => {
    if (stoppingSince > 0) {
      // One Ctrl-C can arrive twice (from the terminal and forwarded by a wrapper such as npm): only a later one
      // means "do not wait".
      if (Date.now() - stoppingSince < 2000) return;
      process.stderr.write('Second signal: exiting without waiting.\n');
      process.exit(1);
    }
    stoppingSince = Date.now();
    print(`\n${signal}: stopping the bridge and the sandbox ...`);
    let code = 0;
    try {
      await bridge.stop();
    } catch (error) {
      process.stderr.write(`The bridge did not stop cleanly: ${error.message}\n`);
      code = 1;
    }
    try {
      await sandbox.close();
    } catch (error) {
      process.stderr.write(`The sandbox did not close cleanly: ${error.message}\n`);
      code = 1;
    }
    print(`Stopped. Conversations are kept in ${shown(dataDir)}/ for the next npm start.`);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => fail(`The demo could not start: ${error?.stack ?? error}`));
