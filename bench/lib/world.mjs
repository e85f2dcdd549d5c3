import { createServer } from 'node:net';
import { startSandbox } from '@amojo-bridge/sandbox';

/** Fixed ids of the bench's channel, account and manager (any UUIDs would do). */
export const IDS = {
  channelId: '5b1e7c3a-0d2f-4e6a-9b8c-7d6e5f4a3b2c',
  channelSecret: 'bench-channel-secret-0123456789abcdef',
  accountId: '6c2f8d4b-1e3a-4f7b-8c9d-0e1f2a3b4c5d',
  managerId: '7d3a9e5c-2f4b-4a8c-9d0e-1f2a3b4c5d6e',
  botId: '8e4b0f6d-3a5c-4b9d-8e1f-2a3b4c5d6e7f',
};

/** A free loopback port for the bridge (the sandbox's hook URL must name it before the bridge starts). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The sandbox playing amojo and the amoCRM account, in the bench's own process (its events share our clock). */
export function startWorld(bridgePort) {
  return startSandbox({
    channels: [
      {
        id: IDS.channelId,
        secret: IDS.channelSecret,
        name: 'Bench channel',
        hookUrl: `http://127.0.0.1:${bridgePort}/hooks/amojo/:scope_id`,
        hookApiVersion: 'v2',
        writeFirst: true,
        typingHooks: false,
        bot: { id: IDS.botId, client_id: 'bench-bot', name: 'Bench bot' },
      },
    ],
    accounts: [
      {
        amojoId: IDS.accountId,
        id: 4242,
        subdomain: 'bench',
        users: [{ id: 1, name: 'Bench Manager', amojoId: IDS.managerId }],
      },
    ],
  });
}
