import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import yauzl from 'yauzl';

/** A WhatsApp export opened: the chat's text and a way to read its attachments by file name. */
export interface WhatsappExport {
  /** The `.txt` file's name inside the export ("_chat.txt" on iOS, "WhatsApp Chat with Ann.txt" on Android). */
  readonly textName: string;
  readonly text: string;
  /** An attachment's bytes, `undefined` when the export does not hold it. */
  readMedia(fileName: string): Promise<Buffer | undefined>;
  close(): void;
}

// WhatsApp caps an export at 40,000 messages (10,000 with media), a few MB of text: the text is read whole (the
// parser needs every date to tell day-first from month-first formats); attachments are read one at a time.
const MAX_TEXT_BYTES = 64 * 1024 * 1024;

/** Opens `file`: the chat `.txt` (attachments beside it, if any) or the `.zip` WhatsApp's "Export chat" shares. */
export async function openWhatsappExport(file: string): Promise<WhatsappExport> {
  if (extname(file).toLowerCase() !== '.zip') {
    const text = await readFile(file, 'utf8');
    if (text.length > MAX_TEXT_BYTES) throw new Error(`${basename(file)} is larger than a WhatsApp export can be`);
    const folder = dirname(file);
    return {
      textName: basename(file),
      text,
      readMedia: (name) => readFile(join(folder, basename(name))).catch(() => undefined),
      close: () => undefined,
    };
  }
  const zip = await openZip(file);
  const entries = new Map<string, yauzl.Entry>();
  for await (const entry of zipEntries(zip)) {
    if (!entry.fileName.endsWith('/')) entries.set(basename(entry.fileName), entry);
  }
  const chats = [...entries.keys()].filter((name) => name.toLowerCase().endsWith('.txt'));
  const textName =
    chats.find((name) => name === '_chat.txt') ?? chats.find((name) => /whatsapp/i.test(name)) ?? chats[0];
  if (!textName) {
    zip.close();
    throw new Error(`${basename(file)} holds no chat .txt file: is it a WhatsApp "Export chat" archive?`);
  }
  const textEntry = entries.get(textName)!;
  if (textEntry.uncompressedSize > MAX_TEXT_BYTES) {
    zip.close();
    throw new Error(`${textName} is larger than a WhatsApp export can be`);
  }
  const text = (await readEntry(zip, textEntry)).toString('utf8');
  return {
    textName,
    text,
    readMedia: async (name) => {
      const entry = entries.get(basename(name));
      return entry ? readEntry(zip, entry) : undefined;
    },
    close: () => zip.close(),
  };
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (error, zip) => (error ? reject(error) : resolve(zip)));
  });
}

async function* zipEntries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      const onEntry = (e: yauzl.Entry) => {
        cleanup();
        resolve(e);
      };
      const onEnd = () => {
        cleanup();
        resolve(undefined);
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      const cleanup = () => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
    if (!entry) return;
    yield entry;
  }
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', reject);
    });
  });
}
