export type {
  ChannelHealth,
  ChannelHealthChange,
  ChannelHealthState,
  ChannelProblem,
  HealthSignal,
  HealthSignalSource,
} from './channel-health.js';
export { HARD_PROBLEMS } from './channel-health.js';
export { channelHealthRows } from './channel-health-rows.js';
export { readChannelHealth } from './channel-health-table.js';
export { BROKEN_AFTER_FAILURES, classifySendResult } from './classify-send-result.js';
export { type ChannelHealthView, healthView } from './health-view.js';
export { nextHealth } from './next-health.js';
export { channelHoldKey, type HardBreak, planNextProbe, readHardBreak, takeProbeTurn } from './probe-turn.js';
export {
  CHANNEL_HEALTH_ALERT_JOB,
  type HealthInstance,
  type RecordChannelHealthInput,
  recordChannelHealth,
} from './record-channel-health.js';
