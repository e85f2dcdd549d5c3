import { AmojoApiError, type AmojoClient, AmojoNetworkError, AmojoTimeoutError } from '@amojo-bridge/sdk';
import type { Account } from '../store/accounts/index.js';
import { type Conversation, updateConversation } from '../store/conversations/index.js';
import { asAmojoChatId } from '../store/ids.js';
import type { RestClientDeps } from './amocrm-deps.js';
import { type CustomerIdentity, findMatchingContact } from './find-matching-contact.js';
import { restClientForAccount } from './rest-client-for-account.js';

/** The new chat's customer as the first message will present it. */
export interface NewChatCustomer extends CustomerIdentity {
  readonly id: string;
  readonly name: string;
}

/**
 * Before the first customer message of a conversation (extension 3): when the instance links contacts and the
 * customer matches an existing contact, creates the chat with `POST /chats` (no contact, no unsorted lead), links it
 * with `POST /api/v4/contacts/chats`, and records the amojo chat id and contact id on the conversation, so the
 * message that follows lands in that contact's chat. Returns the updated conversation, or `undefined` when nothing
 * was linked (setting off, no tokens, no match): the message is then sent as usual.
 *
 * Network errors, timeouts, 429 and 5xx are thrown (the job retries: createChat and linkChats are idempotent);
 * other refusals are logged and the chat proceeds unlinked, so a REST problem never holds a message back for ever.
 */
export async function linkNewChatToContact(
  deps: RestClientDeps & { readonly amojo: Pick<AmojoClient, 'createChat'> },
  input: { readonly account: Account; readonly conversation: Conversation; readonly customer: NewChatCustomer },
): Promise<Conversation | undefined> {
  const { account, conversation, customer } = input;
  if (conversation.amojoChatId || conversation.contactId !== null || conversation.channelInstanceId === null) {
    return undefined;
  }
  const row = await deps.store.db
    .selectFrom('channel_instances')
    .select('link_contacts')
    .where('id', '=', conversation.channelInstanceId)
    .executeTakeFirst();
  const mode = row?.link_contacts ?? 'off';
  if (mode === 'off' || (!customer.phone && !customer.email)) return undefined;
  const crm = await restClientForAccount(deps, account);
  if (!crm) return undefined;
  try {
    const match = await findMatchingContact(crm, mode, customer);
    if (!match) return undefined;
    if (match.candidates > 1) {
      deps.log.info(
        {
          event: 'amocrm_contact_ambiguous',
          conversationId: conversation.conversationId,
          candidates: match.candidates,
          contactId: match.contact.id,
        },
        'several contacts match; linking the oldest',
      );
    }
    const chat = await deps.amojo.createChat(account.scopeId, {
      conversationId: conversation.conversationId,
      user: {
        id: customer.id,
        name: customer.name,
        ...(customer.phone || customer.email
          ? {
              profile: {
                ...(customer.phone ? { phone: customer.phone } : {}),
                ...(customer.email ? { email: customer.email } : {}),
              },
            }
          : {}),
      },
      ...(conversation.sourceExternalId ? { sourceExternalId: conversation.sourceExternalId } : {}),
    });
    await crm.linkChats([{ chatId: chat.amojoChatId, contactId: match.contact.id }]);
    const now = deps.now().getTime();
    const updated = await updateConversation(deps.store.db, {
      id: conversation.id,
      amojoChatId: asAmojoChatId(chat.amojoChatId),
      contactId: match.contact.id,
      now,
    });
    deps.log.info(
      { event: 'amocrm_chat_linked', conversationId: conversation.conversationId, contactId: match.contact.id },
      'new chat linked to an existing contact',
    );
    return updated;
  } catch (error) {
    const transient =
      error instanceof AmojoNetworkError ||
      error instanceof AmojoTimeoutError ||
      (error instanceof AmojoApiError && (error.status === 429 || error.status >= 500));
    if (transient) throw error;
    deps.log.warn(
      { event: 'amocrm_link_failed', conversationId: conversation.conversationId, err: (error as Error).message },
      'linking the chat to a contact failed; sending it unlinked',
    );
    return undefined;
  }
}
