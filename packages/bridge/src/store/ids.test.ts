import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The brands exist only for the type checker, so the test runs it: a snippet using the store is compiled against
// the real sources, and each misuse must be refused on its own line while the right use compiles.

const here = dirname(fileURLToPath(import.meta.url));
const SNIPPET = join(here, 'ids-misuse.snippet.ts');
const SOURCE = `
import { findJob } from '../queue/list-jobs.js';
import { enqueue } from '../queue/enqueue.js';
import { enqueueJob, JOB_KINDS } from '../pipelines/job-kinds.js';
import { findAccount } from './accounts/index.js';
import { findChannelInstance } from './channel-instances/index.js';
import { findConversation } from './conversations/index.js';
import { findMessage, insertMessage } from './messages/index.js';
import { asAmojoChatId, asConversationId, asConversationRowId, asMsgid, asScopeId, type HookRowId, type JobId } from './ids.js';
import { insertHookRecord } from './ops/insert-hook-record.js';
import type { Executor } from './store.js';

export async function uses(db: Executor): Promise<void> {
  const account = await findAccount(db, { scopeId: asScopeId('scope') });
  if (!account) return;
  const conversation = await findConversation(db, { accountId: account.id, conversationId: asConversationId('c-1') });
  if (!conversation) return;
  await findAccount(db, { id: account.id });
  await findConversation(db, { id: conversation.id });
  await findConversation(db, { id: asConversationRowId(7) });
  await findConversation(db, { id: account.id }); // MISUSE account row id as a conversation's
  await findConversation(db, { id: 7 }); // MISUSE a plain number
  await findAccount(db, { id: conversation.id }); // MISUSE conversation row id as an account's
  await insertMessage(db, { conversationRowId: account.id, direction: 'in', msgid: 'm', type: 'text', payload: {}, sentAt: 0 }); // MISUSE
  await findJob(db, await enqueue(db, { kind: 'k', payload: {} }));
  await findJob(db, conversation.id); // MISUSE a conversation row id as a job id
  // The hook log's ids are its own, not the queue's.
  const stored = await insertHookRecord(db, { scopeId: account.scopeId, kind: 'message', rawBody: '{}', signatureOk: true, dedupKey: null, outcome: 'accepted', reason: null, receivedAt: 0 });
  const hookRow: HookRowId = stored.hookId;
  const jobOfHook: JobId = hookRow; // MISUSE a hook's row id as a job id
  const hookOfJob: HookRowId = await enqueue(db, { kind: 'k', payload: {} }); // MISUSE a job id as a hook's row id
  const plainHook: HookRowId = 3; // MISUSE a plain number
  void [jobOfHook, hookOfJob, plainHook];
  // String ids: amojo's and ours are told apart.
  await findAccount(db, { scopeId: account.scopeId });
  await findAccount(db, { scopeId: account.amojoAccountId }); // MISUSE amojo's account id as a scope id
  await findConversation(db, { accountId: account.id, conversationId: conversation.conversationId });
  await findConversation(db, { accountId: account.id, conversationId: asAmojoChatId('chat') }); // MISUSE
  await findConversation(db, { accountId: account.id, amojoChatId: conversation.conversationId }); // MISUSE
  await findConversation(db, { accountId: account.id, conversationId: 'c-2' }); // MISUSE a plain string
  const message = await findMessage(db, { msgid: asMsgid('ab-1') });
  if (!message) return;
  await findMessage(db, { msgid: message.msgid });
  await findMessage(db, { amojoMsgId: message.msgid }); // MISUSE our msgid as amojo's message id
  await findMessage(db, { msgid: message.amojoMsgId ?? asMsgid('') }); // MISUSE amojo's message id as our msgid
  await findChannelInstance(db, { key: conversation.conversationId }); // MISUSE a conversation id as an instance key
  if (conversation.channelChatKey) {
    await findConversation(db, { channelInstanceId: conversation.channelInstanceId!, channelChatKey: conversation.channelChatKey });
  }
  await findConversation(db, { channelInstanceId: conversation.channelInstanceId!, channelChatKey: conversation.conversationId }); // MISUSE
  // Job payloads are typed with the same ids (JSON in the database: the brand is type-only).
  const chat = asAmojoChatId('chat');
  const refusal = { scopeId: account.scopeId, status: -1, errorCode: 905, error: 'x', amojoChatId: chat } as const;
  await enqueueJob(db, JOB_KINDS.reportStatus, { ...refusal, amojoMsgId: message.amojoMsgId! });
  await enqueueJob(db, JOB_KINDS.reportStatus, { ...refusal, amojoMsgId: message.msgid }); // MISUSE
  await enqueueJob(db, JOB_KINDS.reportStatus, { ...refusal, amojoChatId: conversation.conversationId, amojoMsgId: message.amojoMsgId! }); // MISUSE
  // A branded id is still a string wherever one is expected.
  const text: string = conversation.conversationId;
  const url: string = '/conversations/' + encodeURIComponent(message.msgid) + text.slice(0, 1);
  account.scopeId.startsWith(url);
}
`;

function diagnosticsOfSnippet(): { line: number; text: string }[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
    lib: ['lib.es2023.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (file) => (file === SNIPPET ? SOURCE : readFile(file));
  host.fileExists = (file) => file === SNIPPET || fileExists(file);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    file === SNIPPET ? ts.createSourceFile(file, SOURCE, language, true) : getSourceFile(file, language, ...rest);
  const program = ts.createProgram([SNIPPET], options, host);
  const snippet = program.getSourceFile(SNIPPET);
  if (!snippet) throw new Error('the snippet was not compiled');
  return ts.getPreEmitDiagnostics(program, snippet).map((d) => ({
    line: d.start === undefined ? -1 : snippet.getLineAndCharacterOfPosition(d.start).line,
    text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

describe('branded ids', () => {
  it('refuses an id of one kind where another is meant, and a plain number or string, and takes the right ones', () => {
    const lines = SOURCE.split('\n');
    const misuses = lines.flatMap((line, i) => (line.includes('// MISUSE') ? [i] : []));
    const found = diagnosticsOfSnippet();
    // Every misuse line has an error, and nothing else has one (the right uses compile).
    expect([...new Set(found.map((d) => d.line))].sort((a, b) => a - b)).toEqual(misuses);
    expect(found.find((d) => d.line === misuses[0])?.text).toMatch(/AccountRowId.*ConversationRowId/s);
    const textOf = (fragment: string) => {
      const line = lines.findIndex((l) => l.includes(fragment));
      return found
        .filter((d) => d.line === line)
        .map((d) => d.text)
        .join('\n');
    };
    expect(textOf("conversationId: asAmojoChatId('chat')")).toMatch(/AmojoChatId.*ConversationId/s);
    expect(textOf('{ amojoMsgId: message.msgid }')).toMatch(/Msgid.*AmojoMsgId/s);
    expect(textOf('{ ...refusal, amojoMsgId: message.msgid }')).toMatch(/Msgid.*AmojoMsgId/s);
    expect(textOf('const jobOfHook')).toMatch(/HookRowId.*JobId/s);
  }, 60_000);
});
