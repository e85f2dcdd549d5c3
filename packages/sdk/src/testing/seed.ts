import type { HookMessageV2Body } from '../types/hooks.js';

/**
 * Ids and the channel secret of the amoCRM step-by-step example (the project's seed, spec 1.2 and
 * seed-examples.json). Its seven signed requests verify with this secret, so tests and demos can use real vectors.
 */
export const SEED = {
  /** Channel UUID of the seed. */
  channelId: '344a5002-f8ca-454d-af3d-396180102ac7',
  /** Channel secret of the seed (public documentation value, never a real one). */
  channelSecret: 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e',
  /** Account amojo_id of the seed. */
  accountId: '52e591f7-c98f-4255-8495-827210138c81',
  /** `{channelId}_{accountId}`. */
  scopeId: '344a5002-f8ca-454d-af3d-396180102ac7_52e591f7-c98f-4255-8495-827210138c81',
  /** The integration's chat id used by the seed's messages. */
  conversationId: 'my_int-d5a421f7f218',
  /** amojo chat id of that chat in the seed's hook. */
  amojoChatId: '8e4d4baa-9e6c-4a88-838a-5f62be227bdc',
  /** The integration's id of the seed's client. */
  clientId: 'my_int-1376265f-86df-4c49-a0c3-a4816df41af8',
  /** amojo id of the seed's client. */
  clientAmojoId: '2ed64e26-70a1-4857-8382-bb066a076219',
  /** amojo id of the seed's manager. */
  managerAmojoId: '76fc2bea-902f-425c-9a3d-dcdac4766090',
  /** Source external_id of the seed's multi-source example. */
  sourceExternalId: '79039876543',
  /** Secret of the API reference's own signing example (spec 2.5 c). */
  docsChannelSecret: '5a44c5dff55f3c15a4cce8d7c4cc27e207c7e189',
} as const;

/** The seed's v2 outgoing-message hook body (spec 4.2, multiple-sources example). */
export const SEED_MESSAGE_HOOK_BODY: HookMessageV2Body = {
  account_id: SEED.accountId,
  time: 1639572261,
  message: {
    receiver: {
      id: SEED.clientAmojoId,
      phone: '+79151112233',
      email: 'example.client@example.com',
      client_id: SEED.clientId,
    },
    sender: { id: SEED.managerAmojoId },
    conversation: { id: SEED.amojoChatId, client_id: SEED.conversationId },
    source: { external_id: SEED.sourceExternalId },
    timestamp: 1639572260,
    msec_timestamp: 1639572260980,
    message: {
      id: '0371a0ff-b78a-4c7b-8538-a7d547e10692',
      type: 'text',
      text: 'Текст сообщения Сделка #15926745',
      tag: '',
      media: '',
      thumbnail: '',
      file_name: '',
      file_size: 0,
    },
  },
};
