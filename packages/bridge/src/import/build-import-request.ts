import { createHash } from 'node:crypto';
import type { MessageContent, ParticipantInput, SendMessageOptions } from '@amojo-bridge/sdk';
import { clientParticipantId } from '../pipelines/load-channel-instance.js';
import type { ImportMessage } from './import-message.js';
import { IMPORTED_MSGID_PREFIX } from './imported-msgid.js';
import type { ManagerMap } from './manager-map.js';

/** The msgid of an imported message: derived from the source, so every run and every retry sends the same one. */
export function importMsgid(instanceKey: string, message: Pick<ImportMessage, 'chatKey' | 'messageKey'>): string {
  const digest = createHash('sha256')
    .update(`${instanceKey}\n${message.chatKey}\n${message.messageKey}`)
    .digest('base64url')
    .slice(0, 32);
  return `${IMPORTED_MSGID_PREFIX}${digest}`;
}

/** Who an outgoing message is sent as, or why it cannot be. */
export type OutgoingAuthor =
  | { readonly sender: ParticipantInput; readonly as: 'manager' | 'bot'; readonly unmapped?: string | undefined }
  | { readonly error: string };

/** The channel bot, from `AMOJO_CHANNEL_BOT_ID` / `AMOJO_CHANNEL_BOT_NAME`. */
export interface ChannelBot {
  readonly id: string | undefined;
  readonly name: string | undefined;
}

/**
 * The sender of an outgoing message: the manager the source names by amojo id, or by a name the map file lists;
 * otherwise (and for `out-bot`) the channel bot, which needs `AMOJO_CHANNEL_BOT_ID`.
 */
export function outgoingAuthor(message: ImportMessage, managers: ManagerMap, bot: ChannelBot): OutgoingAuthor {
  if (message.direction === 'out-manager') {
    const byId = message.manager?.amojoId;
    const mapped = message.manager?.name ? managers.get(message.manager.name) : undefined;
    const amojoId = byId ?? mapped?.amojoId;
    if (amojoId) {
      const name = mapped?.name ?? message.manager?.name ?? 'Manager';
      return { as: 'manager', sender: { id: `ab-user-${amojoId}`, name, refId: amojoId } };
    }
  }
  if (!bot.id) {
    return {
      error:
        message.direction === 'out-bot'
          ? 'AMOJO_CHANNEL_BOT_ID is not set: a bot message needs the channel bot id'
          : `manager "${message.manager?.name ?? '?'}" is not in the map file and AMOJO_CHANNEL_BOT_ID is not set`,
    };
  }
  return {
    as: 'bot',
    sender: { id: 'ab-bot', name: bot.name ?? 'Bot', refId: bot.id },
    unmapped: message.direction === 'out-manager' ? (message.manager?.name ?? '?') : undefined,
  };
}

/** The customer as amojo's participant. */
export function customerParticipant(instanceKey: string, message: ImportMessage): ParticipantInput {
  const { customer } = message;
  const profile = {
    ...(customer.phone ? { phone: customer.phone } : {}),
    ...(customer.email ? { email: customer.email } : {}),
  };
  return {
    id: clientParticipantId(instanceKey, customer.id),
    name: customer.name,
    ...(Object.keys(profile).length > 0 ? { profile } : {}),
  };
}

/** The request of one message; `content` has its media already resolved to a URL. */
export function buildImportRequest(input: {
  readonly msgid: string;
  readonly conversationId: string;
  readonly sourceExternalId: string | null;
  readonly message: ImportMessage;
  readonly customer: ParticipantInput;
  readonly author: ParticipantInput | undefined;
  readonly silent: boolean;
  readonly content: MessageContent;
}): SendMessageOptions {
  return {
    msgid: input.msgid,
    conversationId: input.conversationId,
    msecTimestamp: input.message.sentAt,
    silent: input.silent,
    ...(input.sourceExternalId ? { sourceExternalId: input.sourceExternalId } : {}),
    ...(input.author ? { sender: input.author, receiver: input.customer } : { sender: input.customer }),
    message: input.content,
  };
}
