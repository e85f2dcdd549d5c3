import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { CUSTOMER_MESSAGE_TYPES, sendManagerFiles } from './support/sandbox-api.js';
import { graphErrors, signWebhookBody, statusErrors } from './support/whatsapp-emulator/index.js';
import { createWhatsAppHarness, type WhatsAppHarness } from './support/whatsapp-harness.js';

// The WhatsApp channel end to end: customers write to two business numbers of one account in the Cloud API
// emulator, the bridge relays them into the sandbox's amojo under each number's own source, managers answer from the
// sandbox and the answers leave from the number the chat belongs to. Both engines.
describe.each(ENGINES)('whatsapp channel end to end (%s)', (engine) => {
  let h: WhatsAppHarness;
  beforeAll(async () => {
    h = await createWhatsAppHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('relays every customer message type under the number’s source, media re-served by the bridge', async () => {
    const ann = h.sales.number.customer('79161112233', 'Ann Lee');
    const photo = Buffer.from('\xff\xd8\xff photo', 'latin1');
    const pdf = Buffer.from('%PDF-1.4 invoice');
    ann.send({ type: 'text', body: 'Hello & welcome' });
    ann.send({ type: 'image', bytes: photo, mimeType: 'image/jpeg', caption: 'my receipt' });
    ann.send({ type: 'document', bytes: pdf, mimeType: 'application/pdf', filename: 'invoice.pdf', caption: 'inv' });
    ann.send({ type: 'video', bytes: Buffer.from('mp4'), mimeType: 'video/mp4' });
    ann.send({ type: 'audio', bytes: Buffer.from('ogg voice'), mimeType: 'audio/ogg', voice: true });
    ann.send({ type: 'audio', bytes: Buffer.from('mp3'), mimeType: 'audio/mpeg' });
    ann.send({ type: 'sticker', bytes: Buffer.from('webp'), mimeType: 'image/webp' });
    ann.send({ type: 'location', latitude: 55.75, longitude: 37.62, name: 'Office' });
    ann.send({ type: 'contacts', contacts: [{ name: 'Bob', phone: '+79150000001' }] });
    ann.send({ type: 'button_reply', id: 'yes', title: 'Yes, please' });
    const chat = await waitFor('the chat in the sandbox', () => h.chatOf(h.sales, ann.waId));
    expect(chat.sourceExternalId).toBe(h.sales.sourceExternalId);
    expect(chat.client).toMatchObject({ name: 'Ann Lee', phone: '+79161112233' });
    const messages = await h.inbound(chat.id, 10);
    // The last one is a button reply, relayed as its title.
    expect(messages.map((m) => m.type)).toEqual([...CUSTOMER_MESSAGE_TYPES, 'text']);
    expect(messages[0]!.text).toBe('Hello & welcome');
    expect(messages[1]!.text).toBe('my receipt');
    expect(messages[2]).toMatchObject({ text: 'inv', fileName: 'invoice.pdf' });
    expect(messages[9]!.text).toBe('Yes, please');
    for (const m of messages.slice(1, 7)) {
      expect(m.media).toMatch(new RegExp(`^${h.bridgeUrl}/channels/whatsapp/media/`));
    }
    const served = await fetch(messages[1]!.media!);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await served.arrayBuffer())).toEqual(photo);
    expect(Buffer.from(await (await fetch(messages[2]!.media!)).arrayBuffer())).toEqual(pdf);
    const forged = messages[1]!.media!.replace(/\/media\/([^/]+)\/([^/]+)\/[^/]+\//, '/media/$1/$2/forged/');
    expect((await fetch(forged)).status).toBe(404);
    expect(h.logText()).not.toContain(h.business.accessToken);
    expect(h.logText()).not.toContain(h.business.appSecret);
  });

  it('refuses an unsigned or wrongly signed webhook and a wrong verify token; a redelivery stores nothing twice', async () => {
    const url = `${h.bridgeUrl}/channels/whatsapp/${h.sales.instanceKey}/webhook`;
    const handshake = (token: string) =>
      fetch(`${url}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=12345`);
    expect((await handshake('nope')).status).toBe(403);
    const ok = await handshake(h.verifyToken);
    expect(await ok.text()).toBe('12345');
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: h.business.id,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: h.sales.number.displayPhoneNumber,
                  phone_number_id: h.sales.number.phoneNumberId,
                },
                contacts: [{ profile: { name: 'Dup' }, wa_id: '79165554433' }],
                messages: [
                  {
                    from: '79165554433',
                    id: 'wamid.dup-1',
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'once' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const post = (signature: string | undefined) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
        body,
      });
    expect((await post(undefined)).status).toBe(401);
    expect((await post(signWebhookBody(body, 'another-secret'))).status).toBe(401);
    const signature = signWebhookBody(body, h.business.appSecret);
    expect((await post(signature)).status).toBe(200);
    expect((await post(signature)).status).toBe(200);
    const chat = await waitFor('the chat', () => h.chatOf(h.sales, '79165554433'));
    await h.inbound(chat.id, 1);
    expect((await h.sandboxMessages(chat.id)).filter((m) => m.direction === 'in')).toHaveLength(1);
  });

  it('answers from the number the chat belongs to: every manager type with status 1, then 2 when read', async () => {
    const cat = h.support.number.customer('79167778899', 'Cat');
    cat.send({ type: 'text', body: 'my router is broken' });
    const chat = await waitFor('the support chat', () => h.chatOf(h.support, cat.waId));
    expect(chat.sourceExternalId).toBe(h.support.sourceExternalId);
    await h.inbound(chat.id, 1);
    const picture = await h.upload('pic.jpg', 'image/jpeg', Buffer.from('jpeg!'));
    const file = await h.upload('terms.pdf', 'application/pdf', Buffer.from('%PDF terms'));
    const clip = await h.upload('clip.mp4', 'video/mp4', Buffer.from('mp4 clip'));
    const voice = await h.upload('v.ogg', 'audio/ogg', Buffer.from('ogg voice'));
    const song = await h.upload('a.mp3', 'audio/mpeg', Buffer.from('mp3 song'));
    const sticker = await h.upload('s.webp', 'image/webp', Buffer.from('webp sticker'));
    const salesBefore = h.sales.number.sent.length;
    const sent = [
      ...(await h.sendManagerMessage(chat.id, { text: 'Try turning it off and on' })),
      ...(await sendManagerFiles(h, chat.id, [
        { type: 'picture', file: picture, fileName: 'pic.jpg', text: 'like this' },
        { type: 'file', file, fileName: 'terms.pdf' },
        { type: 'video', file: clip, fileName: 'clip.mp4' },
        { type: 'voice', file: voice, fileName: 'v.ogg' },
        { type: 'audio', file: song, fileName: 'a.mp3' },
        { type: 'sticker', file: sticker, fileName: 's.webp' },
      ])),
    ];
    for (const m of sent) await h.statusOf(chat.id, m.id, 'delivered');
    const received = cat.received;
    expect(received.map((b) => b.type)).toEqual(['text', 'image', 'document', 'video', 'audio', 'audio', 'sticker']);
    expect(received[0]).toMatchObject({ to: cat.waId, text: { body: 'Try turning it off and on' } });
    // Files are uploaded to Meta (POST /{phone-number-id}/media) and sent by id, as Meta's docs recommend.
    expect(received[1]).toMatchObject({ image: { id: expect.any(String), caption: 'like this' } });
    expect(received[2]).toMatchObject({ document: { id: expect.any(String), filename: 'terms.pdf' } });
    const bytesOf = (body: Record<string, unknown>) =>
      h.business.media.get((body[body.type as string] as { id: string }).id)?.bytes.toString();
    expect(received.slice(1).map(bytesOf)).toEqual([
      'jpeg!',
      '%PDF terms',
      'mp4 clip',
      'ogg voice',
      'mp3 song',
      'webp sticker',
    ]);
    expect(received.slice(1).some((b) => JSON.stringify(b).includes('"link"'))).toBe(false);
    expect(h.sales.number.sent.length).toBe(salesBefore);
    // The customer reads the first answer: amoCRM shows 2.
    const first = h.support.number.sent.find((m) => m.body.biz_opaque_callback_data !== undefined)!;
    cat.read(first.id);
    await waitFor('status read', async () => (await h.sandboxMessages(chat.id)).some((m) => m.status === 'read'));
  });

  it('outside the 24-hour window: -1 with the reason without a template, the template when the number has one', async () => {
    // The bridge computes the window from Meta's message timestamps: customers who last wrote 25 hours ago.
    h.emulator.advanceClock(-25 * 60 * 60 * 1000);
    const dan = h.sales.number.customer('79161230000', 'Dan');
    const eve = h.support.number.customer('79161240000', 'Eve');
    dan.send({ type: 'text', body: 'yesterday, sales' });
    eve.send({ type: 'text', body: 'yesterday, support' });
    h.emulator.advanceClock(25 * 60 * 60 * 1000);
    const salesChat = await waitFor('sales chat', () => h.chatOf(h.sales, dan.waId));
    const supportChat = await waitFor('support chat', () => h.chatOf(h.support, eve.waId));
    await h.inbound(salesChat.id, 1);
    await h.inbound(supportChat.id, 1);
    const salesBefore = h.sales.number.sent.length;
    const [refused] = await h.sendManagerMessage(salesChat.id, { text: 'are you still there?' });
    const failed = await h.statusOf(salesChat.id, refused!.id, 'error');
    expect(failed.error?.text).toMatch(/24-hour customer-service window/);
    expect(h.sales.number.sent.length).toBe(salesBefore);
    const [viaTemplate] = await h.sendManagerMessage(supportChat.id, { text: 'Your repair\nis done' });
    await h.statusOf(supportChat.id, viaTemplate!.id, 'delivered');
    expect(eve.received.at(-1)).toMatchObject({
      type: 'template',
      template: {
        name: 'manager_reply',
        language: { code: 'ru' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Your repair is done' }] }],
      },
    });
  });

  it('waits out a throughput error and delivers', async () => {
    const fay = h.sales.number.customer('79161250000', 'Fay');
    fay.send({ type: 'text', body: 'hello' });
    const chat = await waitFor('chat', () => h.chatOf(h.sales, fay.waId));
    await h.inbound(chat.id, 1);
    h.business.failNext(graphErrors.rateLimit());
    const [limited] = await h.sendManagerMessage(chat.id, { text: 'after a throughput error' });
    await h.statusOf(chat.id, limited!.id, 'delivered');
    const attempts = h.business.calls.filter(
      (c) => (c.body as { text?: { body?: string } }).text?.body === 'after a throughput error',
    );
    expect(attempts.map((c) => c.status)).toEqual([400, 200]);
  });

  it('replies and reactions both ways: context.id <-> reply_to, reactions <-> amojo react', async () => {
    const gus = h.sales.number.customer('79161260000', 'Gus');
    const question = gus.send({ type: 'text', body: 'what is the price?' });
    const chat = await waitFor('chat', () => h.chatOf(h.sales, gus.waId));
    const [customerMessage] = await h.inbound(chat.id, 1);
    const [answer] = await h.sendManagerMessage(chat.id, { text: '100 EUR', replyToId: customerMessage!.id });
    await h.statusOf(chat.id, answer!.id, 'delivered');
    expect(gus.received.at(-1)).toMatchObject({ text: { body: '100 EUR' }, context: { message_id: question } });
    // The customer quotes the manager's answer (by the wamid it was sent as) and reacts to it.
    const answerWamid = h.sales.number.sent.at(-1)!.id;
    gus.send({ type: 'text', body: 'too much' }, { replyTo: answerWamid });
    const quoting = await waitFor('the quoting message', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.text === 'too much'),
    );
    expect(quoting.replyTo?.id).toBe(answer!.id);
    gus.send({ type: 'reaction', messageId: answerWamid, emoji: '👍' });
    await waitFor('the customer reaction in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.id === answer!.id && m.reactions.some((r) => r.emoji === '👍')),
    );
    // The manager reacts on the customer's question: a WhatsApp reaction on its wamid.
    expect(await h.managerReact(customerMessage!.id, '❤️')).toBe(200);
    const reaction = await waitFor('the manager reaction at the customer', () =>
      gus.received.find((b) => b.type === 'reaction'),
    );
    expect(reaction).toMatchObject({ reaction: { message_id: question } });
  });
  it('a failed status after sent and delivered turns amoCRM -1 with the reason; late statuses do not hide it', async () => {
    const hal = h.sales.number.customer('79161270000', 'Hal');
    hal.send({ type: 'text', body: 'hello' });
    const chat = await waitFor('chat', () => h.chatOf(h.sales, hal.waId));
    await h.inbound(chat.id, 1);
    const [answer] = await h.sendManagerMessage(chat.id, { text: 'this one will fail later' });
    await h.statusOf(chat.id, answer!.id, 'delivered');
    const sent = h.sales.number.sent.at(-1)!;
    // Meta's own `sent` and `delivered` webhooks came first (the emulator emits both); then it fails the message.
    await waitFor('sent and delivered statuses emitted', async () =>
      sent.statuses.includes('delivered') ? true : undefined,
    );
    h.sales.number.emitStatus(sent.id, 'failed', statusErrors.undeliverable());
    const failed = await h.statusOf(chat.id, answer!.id, 'error');
    expect(failed.error).toMatchObject({ code: 904 });
    expect(failed.error?.text).toMatch(/not on WhatsApp/);
    // A late `delivered` and even `read` from Meta (out of order) leave amoCRM at -1.
    h.sales.number.emitStatus(sent.id, 'delivered');
    hal.read(sent.id);
    await waitFor('the late statuses taken', async () => (h.business.pendingWebhooks.length === 0 ? true : undefined));
    const [marker] = await h.sendManagerMessage(chat.id, { text: 'after the late statuses' });
    await h.statusOf(chat.id, marker!.id, 'delivered');
    expect((await h.sandboxMessages(chat.id)).find((m) => m.id === answer!.id)?.status).toBe('error');
  });
  it('refuses a file WhatsApp would not take with a clear -1; a picture it cannot show goes as a document', async () => {
    const ivy = h.sales.number.customer('79161280000', 'Ivy');
    ivy.send({ type: 'text', body: 'send me the files' });
    const chat = await waitFor('chat', () => h.chatOf(h.sales, ivy.waId));
    await h.inbound(chat.id, 1);
    const gif = await h.upload('anim.gif', 'image/gif', Buffer.from('GIF89a'));
    const [asPicture] = await h.sendManagerMessage(chat.id, {
      type: 'picture',
      media: gif.url,
      fileName: 'anim.gif',
      fileSize: gif.fileSize,
    });
    const refused = await h.statusOf(chat.id, asPicture!.id, 'error');
    expect(refused.error?.text).toMatch(
      /does not take a image\/gif file as image \(it takes image\/jpeg, image\/png\)/,
    );
    // 6 MB of PNG: over WhatsApp's 5 MB for images, and a PNG is no document type either: refused with the limit.
    const big = await h.upload('scan.png', 'image/png', Buffer.alloc(6 * 1024 * 1024, 1));
    const [large] = await h.sendManagerMessage(chat.id, {
      type: 'picture',
      media: big.url,
      fileName: 'scan.png',
      fileSize: big.fileSize,
    });
    await h.statusOf(chat.id, large!.id, 'error');
    expect((await h.sandboxMessages(chat.id)).find((m) => m.id === large!.id)?.error?.text).toMatch(
      /WhatsApp takes image files up to 5.0 MB; this one is 6.0 MB/,
    );
    const pdfAsPicture = await h.upload('doc.pdf', 'application/pdf', Buffer.from('%PDF pic'));
    const [fallback] = await h.sendManagerMessage(chat.id, {
      type: 'picture',
      media: pdfAsPicture.url,
      fileName: 'doc.pdf',
      fileSize: pdfAsPicture.fileSize,
      text: 'see attached',
    });
    await h.statusOf(chat.id, fallback!.id, 'delivered');
    expect(ivy.received.at(-1)).toMatchObject({
      type: 'document',
      document: { id: expect.any(String), caption: 'see attached', filename: 'doc.pdf' },
    });
  });
});
