import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRandom, DEMO, type Random, type SandboxChatView, type SandboxMessageView } from '@amojo-bridge/sandbox';
import { afterAll, beforeAll } from 'vitest';
import { connectAccount } from '../../src/accounts/index.js';
import { asAmojoAccountId } from '../../src/store/ids.js';
import type { StoreDialect } from '../../src/store/store.js';
import { type BridgeProcess, CLI, inversions, waitUntil } from './bridge-process.js';
import { type MessengerInstanceInput, storeMessengerInstance } from './messenger-instance.js';
import { bridgeFor, createServiceWorld, type ServiceWorld } from './service-harness.js';

// The run the messenger crash tests share (telegram-crash-sigkill, whatsapp-crash-sigkill): chats created by a first
// customer message each, then customer and manager messages pumped through SIGKILLs of the bridge process, then a
// drain and a count of both directions by text. The tests keep their set-up, their report and every assertion.

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Chats of a messenger crash run (`CRASH_CONVERSATIONS` to debug with fewer). */
export const CRASH_CONVERSATIONS = Number(process.env.CRASH_CONVERSATIONS ?? 10);
/** Messages each way per chat (`CRASH_PER_CONVERSATION`): 10 x 20 = 200 each way. */
export const CRASH_PER_CONVERSATION = Number(process.env.CRASH_PER_CONVERSATION ?? 20);

/**
 * The world of a crash test: the built CLI (built when missing) and a service world whose lease is shorter than the
 * default, so jobs claimed by a killed process are claimable again soon after restarts.
 */
export function createCrashWorld(engine: StoreDialect): Promise<ServiceWorld> {
  if (!existsSync(CLI)) execFileSync('npx', ['tsc', '-b'], { cwd: ROOT, stdio: 'pipe' });
  return createServiceWorld(engine, {
    LOG_LEVEL: 'warn',
    QUEUE_LEASE_MS: '10000',
    QUEUE_POLL_INTERVAL_MS: '100',
  });
}

/**
 * Set-up of a crash test before the bridge process starts: connects the demo account and stores the messenger
 * instance (enabled, the account's default source) through a short-lived in-process bridge, as `channels add` would.
 */
export async function storeCrashInstance(
  world: ServiceWorld,
  instance: Omit<MessengerInstanceInput, 'accountId' | 'encryptionKey' | 'isDefault'>,
): Promise<void> {
  const setup = await bridgeFor(world);
  const account = await connectAccount(setup, { accountId: asAmojoAccountId(DEMO.accountAmojoId) });
  await storeMessengerInstance(setup.store.db, {
    ...instance,
    accountId: account.id,
    encryptionKey: world.config.encryptionKey,
    isDefault: true,
  });
  await setup.stop();
}

/** What {@link useCrashWorld} gives a describe block; `bridge` is set by the test and killed after it. */
export interface CrashContext<Emulator> {
  readonly world: ServiceWorld;
  readonly emulator: Emulator;
  bridge: BridgeProcess | undefined;
}

/**
 * Registers the hooks of a messenger crash test: `beforeAll` creates the crash world and starts the emulator,
 * `afterAll` kills the bridge process the test started, closes the emulator, then the world.
 */
export function useCrashWorld<Emulator extends { close(): Promise<void> }>(
  engine: StoreDialect,
  startEmulator: () => Promise<Emulator>,
): CrashContext<Emulator> {
  let world: ServiceWorld | undefined;
  let emulator: Emulator | undefined;
  const context: CrashContext<Emulator> = {
    get world() {
      if (!world) throw new Error('useCrashWorld: the world is created in beforeAll');
      return world;
    },
    get emulator() {
      if (!emulator) throw new Error('useCrashWorld: the emulator is started in beforeAll');
      return emulator;
    },
    bridge: undefined,
  };
  beforeAll(async () => {
    world = await createCrashWorld(engine);
    emulator = await startEmulator();
  }, 120_000);
  afterAll(async () => {
    await context.bridge?.kill();
    await emulator?.close();
    await world?.close();
  });
  return context;
}

/** One messenger customer of a crash run: chat `i` of the run, named `Client <i>` in amojo. */
export interface CrashCustomer {
  /** Writes a text message from the customer (the emulator queues it for the bridge). */
  send(text: string): void;
  /** The texts the customer received from the bridge, in arrival order. */
  received(): string[];
}

/** Options of {@link pumpThroughKills}. */
export interface CrashRunOptions {
  readonly world: ServiceWorld;
  /** The started bridge process. */
  readonly bridge: BridgeProcess;
  readonly customers: readonly CrashCustomer[];
  readonly perConversation: number;
  readonly random: Random;
  readonly progress: (what: string) => void;
  /** Names the run in failure output, e.g. `telegram crash (sqlite/polling, seed 42)`. */
  readonly label: string;
}

/**
 * The options of one crash run: the seed (`CRASH_SEED` to repeat a run), its random source, and progress lines and
 * failure output named after the run, e.g. `telegram crash sqlite/polling` and `telegram crash (sqlite/polling, seed 42)`.
 */
export function crashRunOptions(input: {
  /** The test's crash context, its bridge process started. */
  readonly crash: CrashContext<unknown>;
  readonly customers: readonly CrashCustomer[];
  /** `telegram`, `whatsapp`. */
  readonly messenger: string;
  /** The case, e.g. `sqlite/polling`. */
  readonly caseName: string;
}): CrashRunOptions & { readonly seed: number } {
  const { bridge } = input.crash;
  if (!bridge) throw new Error('crashRunOptions: start the bridge process (crash.bridge) first');
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  const started = Date.now();
  const name = `${input.messenger} crash`;
  return {
    world: input.crash.world,
    bridge,
    customers: input.customers,
    perConversation: CRASH_PER_CONVERSATION,
    random: createRandom(seed),
    progress: (what) => console.log(`${name} ${input.caseName} +${Date.now() - started}ms: ${what}`),
    label: `${name} (${input.caseName}, seed ${seed})`,
    seed,
  };
}

/** The common part of a crash run's report: seed, kills, restarts and both directions' counts. */
export function crashReport(
  run: CrashRunOptions & { readonly seed: number },
  traffic: CrashTraffic,
  counts: { readonly inbound: CrashCount; readonly outbound: CrashCount },
) {
  return {
    seed: run.seed,
    kills: traffic.kills,
    killedWhilePumping: traffic.killedWhilePumping,
    bridgeStarts: run.bridge.starts(),
    inbound: counts.inbound,
    outbound: counts.outbound,
  };
}

/** What the pumping part of a crash run did. */
export interface CrashTraffic {
  readonly kills: number;
  readonly killedWhilePumping: number;
  /** Manager messages the sandbox refused (should be none). */
  readonly managerFailures: number;
  /** The sandbox chat id of each customer, by index. */
  readonly chatIdOf: ReadonlyMap<number, string>;
}

/** How one direction arrived: counts by text (`c:<chat>:<seq>` inbound, `m:<chat>:<seq>` outbound). */
export interface CrashCount {
  readonly sent: number;
  readonly delivered: number;
  readonly rows: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  readonly wrongChat: number;
}

/**
 * Sends each customer's first message, waits for the chats in amojo, then pumps `perConversation` messages each way
 * per chat while killing (SIGKILL) and restarting the bridge 3 to 5 times. Traffic and kills interleave by count,
 * not by time: message `seq` of a chat waits until floor(seq * kills / perConversation) kills happened, and kill k
 * waits until every chat sent past the start of phase k. So every kill lands while messages of both directions
 * flow, however slow a restart is.
 */
export async function pumpThroughKills(options: CrashRunOptions): Promise<CrashTraffic> {
  const { world, bridge, customers, perConversation, random, progress } = options;
  for (const [i, customer] of customers.entries()) customer.send(`c:${i}:0`);
  const chatIdOf = new Map<number, string>();
  await waitUntil(async () => {
    const chats = (await (await fetch(`${world.sandbox.url}/_sandbox/api/chats`)).json()) as SandboxChatView[];
    for (const chat of chats) {
      const i = Number(chat.client.name.replace(/^Client /, ''));
      if (chat.client.name.startsWith('Client ')) chatIdOf.set(i, chat.id);
    }
    return customers.every((_, i) => chatIdOf.has(i));
  }, 60_000);
  progress('chats exist in amojo; pumping');

  let managerFailures = 0;
  const kills = 3 + Math.floor(random() * 3);
  let killsDone = 0;
  const phaseOf = (seq: number) => Math.floor((seq * kills) / perConversation);
  const sentUpTo = { customer: customers.map(() => 0), manager: customers.map(() => -1) };
  const gate = async (seq: number) => {
    while (killsDone < phaseOf(seq)) await sleep(50);
  };
  // The customer writes whatever the bridge's state: the messenger keeps the update until the bridge confirms it.
  const customerPump = Promise.all(
    customers.map(async (customer, i) => {
      for (let seq = 1; seq < perConversation; seq++) {
        await gate(seq);
        customer.send(`c:${i}:${seq}`);
        sentUpTo.customer[i] = seq;
        await sleep(random() * 300);
      }
    }),
  );
  // The manager writes regardless of the bridge: a hook sent while it is down is lost and only reconciliation
  // from the chat history brings the message over.
  const managerPump = Promise.all(
    customers.map(async (_, i) => {
      for (let seq = 0; seq < perConversation; seq++) {
        await gate(seq);
        const response = await fetch(`${world.sandbox.url}/_sandbox/api/chats/${chatIdOf.get(i)}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: `m:${i}:${seq}` }),
        });
        if (response.status !== 200) managerFailures++;
        await response.arrayBuffer();
        sentUpTo.manager[i] = seq;
        await sleep(random() * 300);
      }
    }),
  );
  const pumps = Promise.all([customerPump, managerPump]);
  for (let k = 0; k < kills; k++) {
    // Some traffic of this phase first: every chat sent at least one message of it, both ways.
    const phaseStart = Math.ceil((k * perConversation) / kills);
    await waitUntil(() => [...sentUpTo.customer, ...sentUpTo.manager].every((seq) => seq >= phaseStart), 120_000);
    await sleep(random() * 400);
    progress(`SIGKILL ${k + 1}/${kills}`);
    await bridge.kill();
    await sleep(random() * 600);
    killsDone++;
    await bridge.start().catch((error) => {
      console.error(`${options.label}: restart failed\n${bridge.output().slice(-6000)}`);
      throw error;
    });
  }
  await pumps;
  progress('pumps done; draining');
  return { kills, killedWhilePumping: kills, managerFailures, chatIdOf };
}

/**
 * Waits until every message of both directions arrived (at most 180 s; on time-out prints how far it got and the
 * bridge's output), gives late duplicates 1.5 s, and counts each direction.
 */
export async function drainAndCount(
  options: CrashRunOptions,
  traffic: CrashTraffic,
): Promise<{ inbound: CrashCount; outbound: CrashCount }> {
  const { world, bridge, customers, perConversation } = options;
  const inboundOf = async () =>
    Promise.all(
      customers.map(async (_, i) => {
        const messages = (await (
          await fetch(`${world.sandbox.url}/_sandbox/api/chats/${traffic.chatIdOf.get(i)}/messages`)
        ).json()) as SandboxMessageView[];
        return messages.filter((m) => m.direction === 'in').map((m) => m.text);
      }),
    );
  const outboundOf = () => customers.map((c) => c.received());
  const expected = customers.length * perConversation;
  await waitUntil(async () => {
    const inbound = new Set((await inboundOf()).flat());
    const outbound = new Set(outboundOf().flat());
    return inbound.size >= expected && outbound.size >= expected;
  }, 180_000).catch(async (error) => {
    console.error(
      `${options.label} did not drain: inbound ${new Set((await inboundOf()).flat()).size}, ` +
        `outbound ${new Set(outboundOf().flat()).size} of ${expected}\n${bridge.output().slice(-6000)}`,
    );
    throw error;
  });
  await sleep(1500); // late duplicates, if any, arrive before counting

  const count = (perChat: string[][], prefix: 'c' | 'm'): CrashCount => {
    const all = perChat.flat();
    const seen = new Set(all);
    const missing = customers.flatMap((_, i) =>
      Array.from({ length: perConversation }, (_, seq) => `${prefix}:${i}:${seq}`).filter((t) => !seen.has(t)),
    );
    // Order is judged on first arrivals: a repeated message (outbound) is counted as a duplicate only.
    const firstArrivals = perChat.map((texts) => texts.filter((t, index) => texts.indexOf(t) === index));
    const outOfOrder = firstArrivals.reduce(
      (n, texts, i) =>
        n + inversions(texts.filter((t) => t.startsWith(`${prefix}:${i}:`)).map((t) => Number(t.split(':')[2]))),
      0,
    );
    const wrongChat = perChat.reduce(
      (n, texts, i) => n + texts.filter((t) => !t.startsWith(`${prefix}:${i}:`)).length,
      0,
    );
    return {
      sent: expected,
      delivered: seen.size,
      rows: all.length,
      missing: missing.length,
      duplicates: all.length - seen.size,
      outOfOrder,
      wrongChat,
    };
  };
  return { inbound: count(await inboundOf(), 'c'), outbound: count(outboundOf(), 'm') };
}
