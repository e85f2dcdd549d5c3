// `amojo-bridge channels add whatsapp ...` as the README documents it, checked with the Cloud API emulator: the token
// and number are checked with Meta, the template must be APPROVED, secrets are never printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../src/cli/index.js';
import { createServiceWorld, type ServiceWorld } from './service-harness.js';
import { ENGINES } from './support/databases.js';
import {
  type EmulatedBusiness,
  startWhatsAppEmulator,
  type WhatsAppEmulator,
} from './support/whatsapp-emulator/index.js';

async function run(argv: string[], env: CliIo['env']) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
  });
  return { code, stdout, stderr };
}

describe.each(ENGINES)('amojo-bridge channels add whatsapp (%s)', (engine) => {
  let world: ServiceWorld;
  let emulator: WhatsAppEmulator;
  let business: EmulatedBusiness;
  beforeAll(async () => {
    world = await createServiceWorld(engine);
    emulator = await startWhatsAppEmulator();
    business = emulator.addBusiness();
    business.addTemplate({ name: 'manager_reply', language: 'ru', body: 'Ответ: {{1}}' });
    business.addTemplate({ name: 'pending_one', language: 'ru', body: '{{1}}', status: 'PENDING' });
  });
  afterAll(async () => {
    await world?.close();
    await emulator?.close();
  });

  const add = (
    number: { phoneNumberId: string; displayPhoneNumber: string },
    extra: string[] = [],
    token = business.accessToken,
  ) =>
    run(
      [
        'channels',
        'add',
        'whatsapp',
        '--key',
        number.displayPhoneNumber,
        '--name',
        'Отдел продаж',
        '--set',
        `phoneNumberId=${number.phoneNumberId}`,
        '--set',
        `businessAccountId=${business.id}`,
        '--set',
        `accessToken=${token}`,
        '--set',
        `appSecret=${business.appSecret}`,
        '--set',
        'verifyToken=my-verify-token',
        '--set',
        `graphRoot=${emulator.graphRoot}`,
        ...extra,
      ],
      world.env,
    );

  it('checks the number and template with Meta and prints the callback URL, never a secret', async () => {
    const number = business.addNumber('+7 903 987-65-43');
    const added = await add(number, ['--set', 'templateName=manager_reply', '--set', 'templateLanguage=ru']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('number +79039876543');
    expect(added.stdout).toContain('template manager_reply (ru)');
    expect(added.stdout).toContain(`callbackUrl: http://127.0.0.1:${world.port}/channels/whatsapp/79039876543/webhook`);
    for (const secret of [business.accessToken, business.appSecret, 'my-verify-token']) {
      expect(added.stdout).not.toContain(secret);
    }
    const listed = await run(['channels', 'list'], world.env);
    expect(listed.stdout).toContain('79039876543');
    expect(listed.stdout).not.toContain(business.accessToken);
  });

  it('refuses a bad token, an unknown number and a template that is not approved, naming the setting', async () => {
    const number = business.addNumber('+7 900 123-45-67');
    const pending = await add(number, ['--set', 'templateName=pending_one', '--set', 'templateLanguage=ru']);
    expect(pending.code).toBe(2);
    expect(pending.stderr).toMatch(/templateName.*PENDING, not APPROVED/);
    const unknown = await add({ phoneNumberId: '55555555555', displayPhoneNumber: '79005555555' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/phoneNumberId/);
    const old = business.accessToken;
    business.revokeToken();
    const revoked = await add(number, [], old);
    expect(revoked.code).toBe(2);
    expect(revoked.stderr).toMatch(/accessToken.*190/);
  });
});
