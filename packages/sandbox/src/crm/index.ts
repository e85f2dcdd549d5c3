export { type CrmRoutesOptions, registerCrmRoutes } from '../rest/register-crm-routes.js';
export { CrmState, type CrmStateOptions } from './crm-state.js';
export { type DisableResult, disabledHookSignature, disableIntegration } from './disable-integration.js';
export { type InstallResult, installIntegration } from './install-integration.js';
export {
  DEFAULT_PIPELINE_ID,
  MAX_ACTIVE_SOURCES,
  MAX_EXTERNAL_ID_LENGTH,
  MAX_SOURCES_PER_REQUEST,
} from './source-store.js';
export type {
  CrmAccountConfig,
  CrmChangeEvent,
  CrmConfig,
  CrmContact,
  CrmIntegrationConfig,
  CrmLead,
  CrmSnapshot,
  CrmSource,
  CrmUserConfig,
} from './types.js';
