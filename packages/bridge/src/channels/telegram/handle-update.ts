import type { Update } from '@grammyjs/types';
import type { ChannelInstanceRecord, InboundChannelEvent } from '../channel-adapter.js';
import { ChannelEventRefusedError, type ChannelRuntime } from '../channel-plugin.js';
import { amojoReactionEmoji } from './map-reaction.js';
import { mapUpdate } from './map-update.js';
import { registerTelegramFile, telegramFileUrl } from './telegram-files.js';
import type { TelegramSettings } from './telegram-settings.js';

/** How long an edit or reaction of a message the bridge does not know yet is given back to Telegram to resend. */
export const UNKNOWN_MESSAGE_GRACE_MS = 60_000;

function isRecent(runtime: ChannelRuntime<TelegramSettings>, update: Update): boolean {
  const date = update.message_reaction?.date ?? update.edited_message?.edit_date ?? update.edited_message?.date;
  return date !== undefined && runtime.now().getTime() - date * 1000 < UNKNOWN_MESSAGE_GRACE_MS;
}

/** What became of one update. */
export type UpdateOutcome = 'stored' | 'duplicate' | 'ignored' | 'refused';

/** The bridge events of one update (a reaction change may be several); a customer file gets its served URL. */
async function eventsOf(
  runtime: ChannelRuntime<TelegramSettings>,
  instance: ChannelInstanceRecord<TelegramSettings>,
  botId: number,
  update: Update,
): Promise<InboundChannelEvent[] | string> {
  const mapped = mapUpdate(botId, update);
  if (mapped.kind === 'ignored') return mapped.reason;
  if (mapped.kind === 'message') {
    let media: string | undefined;
    if (mapped.file) {
      const fileKey = await registerTelegramFile(runtime.store.db, {
        instanceRowId: instance.rowId,
        file: mapped.file,
        now: runtime.now().getTime(),
      });
      media = telegramFileUrl(runtime.publicUrl ?? runtime.bridgeUrl, fileKey, mapped.file.fileName);
    }
    const { username, ...sender } = mapped.sender;
    return [
      {
        kind: 'message',
        instanceId: instance.key,
        eventId: mapped.channelMessageId,
        chatKey: mapped.chatKey,
        sender: { ...sender, ...(username ? { profileLink: `https://t.me/${username}` } : {}) },
        message: { ...mapped.message, ...(media ? { media } : {}) },
        sentAt: mapped.sentAt,
        ...(mapped.replyToChannelMessageId ? { replyToEventId: mapped.replyToChannelMessageId } : {}),
      },
    ];
  }
  if (mapped.kind === 'edit') {
    return [
      {
        kind: 'edit',
        instanceId: instance.key,
        eventId: `edit:${mapped.channelMessageId}:${update.update_id}:${mapped.editedAt.getTime()}`,
        chatKey: mapped.chatKey,
        messageEventId: mapped.channelMessageId,
        text: mapped.text,
        editedAt: mapped.editedAt,
      },
    ];
  }
  const change = (type: 'react' | 'unreact', emoji: string): InboundChannelEvent => ({
    kind: 'reaction',
    instanceId: instance.key,
    eventId: `reaction:${update.update_id}:${mapped.date.getTime()}:${type}:${emoji}`,
    chatKey: mapped.chatKey,
    senderId: mapped.senderId,
    messageEventId: mapped.channelMessageId,
    type,
    emoji: amojoReactionEmoji(emoji),
  });
  // Removals first: amoCRM keeps one reaction per person and message, so a replaced emoji ends as the new one.
  return [...mapped.removed.map((e) => change('unreact', e)), ...mapped.added.map((e) => change('react', e))];
}

/**
 * Passes one update to the bridge and resolves once it is durable (or known to be one the bridge does not take):
 * only then may Telegram be told (a webhook 200, a higher polling offset). An event the bridge refuses (a reaction
 * to a message it never relayed) is logged and counts as handled, so it does not block the bot's later updates.
 * Any other failure rejects: nothing was confirmed, Telegram delivers the update again.
 */
export async function handleUpdate(
  runtime: ChannelRuntime<TelegramSettings>,
  instance: ChannelInstanceRecord<TelegramSettings>,
  botId: number,
  update: Update,
): Promise<UpdateOutcome> {
  const events = await eventsOf(runtime, instance, botId, update);
  if (typeof events === 'string') {
    runtime.log.debug(
      { instanceId: instance.key, updateId: update.update_id, reason: events },
      'telegram update ignored',
    );
    return 'ignored';
  }
  let outcome: UpdateOutcome = events.length ? 'duplicate' : 'ignored';
  for (const event of events) {
    try {
      const result = await runtime.receive(event, { instance });
      if (!result.duplicate) outcome = 'stored';
    } catch (error) {
      if (!(error instanceof ChannelEventRefusedError)) throw error;
      // A customer may react to (or edit) a message a moment before the bridge committed what Telegram answered to
      // its send, i.e. before the bridge knows that message's id: let Telegram deliver the update again for a while.
      if (
        error.statusCode === 404 &&
        (event.kind === 'reaction' || event.kind === 'edit') &&
        isRecent(runtime, update)
      ) {
        throw new Error(`the ${event.kind}'s message is not known yet; Telegram will deliver the update again`, {
          cause: error,
        });
      }
      runtime.log.info(
        {
          event: 'telegram_update_refused',
          instanceId: instance.key,
          updateId: update.update_id,
          reason: error.message,
        },
        'telegram update refused by the bridge',
      );
      outcome = 'refused';
    }
  }
  return outcome;
}
