/** What one pruning batch did: rows deleted, and whether the batch was full (more rows may be past retention). */
export interface PruneBatchResult {
  readonly deleted: number;
  readonly more: boolean;
}

/** Input of every pruning batch: the cut-off (Unix ms; rows older are past retention) and the batch size. */
export interface PruneBatchInput {
  readonly before: number;
  readonly limit: number;
}
