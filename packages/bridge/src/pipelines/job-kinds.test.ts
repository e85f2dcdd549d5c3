import { describe, expect, it } from 'vitest';
import { asAmojoChatId, asConversationRowId, asMessageRowId } from '../store/ids.js';
import { JOB_KINDS, JOB_SPECS, relayJob } from './job-kinds.js';

describe('relay job specs', () => {
  it('every job kind has its spec: lane from the payload, attempts', () => {
    expect(Object.keys(JOB_SPECS).sort()).toEqual(Object.values(JOB_KINDS).sort());
    expect(
      relayJob(JOB_KINDS.deliverToAmojo, {
        messageRowId: asMessageRowId(7),
        conversationRowId: asConversationRowId(3),
      }),
    ).toEqual({
      kind: 'deliver-to-amojo',
      lane: 'in:3',
      payload: { messageRowId: 7, conversationRowId: 3 },
      maxAttempts: 25,
    });
    const status = relayJob(JOB_KINDS.reportStatus, {
      messageRowId: asMessageRowId(7),
      amojoChatId: asAmojoChatId('chat-1'),
    });
    expect([status.lane, status.maxAttempts]).toEqual(['status:chat-1', 25]);
    const check = relayJob(JOB_KINDS.reconcile, {
      conversationRowId: asConversationRowId(3),
      amojoChatId: asAmojoChatId('chat-1'),
    });
    expect([check.lane, check.maxAttempts]).toEqual(['reconcile:chat-1', 10]);
  });
});
