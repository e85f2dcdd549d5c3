import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import type { RelayAmojo } from '../relay-amojo.js';

/**
 * What outbound recovery uses: the store (its recovery state, the messages it records, the checks it queues),
 * amojo's chat history, the log and the clock. The REST client of the event feed comes through the options.
 */
export interface OutboundRecoveryDeps {
  readonly store: Store;
  readonly amojo: Pick<RelayAmojo, 'getHistory'>;
  readonly log: Logger;
  readonly now: () => Date;
}
