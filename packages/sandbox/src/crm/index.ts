export { registerCrmRoutes } from '../rest/register-crm-routes.js';
export { CrmState, type CrmStateOptions } from './crm-state.js';
export type {
  CrmAccountConfig,
  CrmChangeEvent,
  CrmConfig,
  CrmContact,
  CrmIntegrationConfig,
  CrmLead,
  CrmRoutesOptions,
  CrmSnapshot,
  CrmSource,
  CrmUserConfig,
} from './types.js';
