import type { AmojoClient } from '@amojo-bridge/sdk';

/**
 * The amojo calls the relay makes, described by that shape rather than by the whole client (as Kysely describes its
 * driver). Each pipeline picks the few methods it calls, so a test can hand it an object with only those.
 */
export type RelayAmojo = Pick<
  AmojoClient,
  'sendMessage' | 'createChat' | 'deliveryStatus' | 'editMessage' | 'react' | 'unreact' | 'typing' | 'getHistory'
>;
