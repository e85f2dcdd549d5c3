export { CARD_WINDOW_WARNING, formatSummary } from './format-summary.js';
export { IMPORT_FORMATS, type ImportFormat, type ImportItem, type ImportMessage } from './import-message.js';
export { lineProgress, type ProgressOutput, terminalProgress } from './import-progress.js';
export { findImportRun, type ImportRun, listImportReport, listImportRuns } from './import-run-store.js';
export { type ManagerMap, parseManagerMap, readManagerMap } from './manager-map.js';
export { type ImportSource, openImportSource } from './open-import-source.js';
export { registerImportFileRoutes } from './register-import-file-routes.js';
export {
  ImportAbortedError,
  type ImportDeps,
  type ImportProgress,
  type ImportSummary,
  runImport,
} from './run-import.js';
