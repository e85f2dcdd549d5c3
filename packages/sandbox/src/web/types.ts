// Shapes of the sandbox control API (see the package README): the core defines them, the page reads them. Type-only
// imports, erased by esbuild, so the page cannot drift from what the server sends.
import type { SandboxConfigView } from '../state/views.js';

export type { CrmContact, CrmLead, CrmSnapshot, CrmSource } from '../crm/types.js';
export type { HookLogEntry } from '../hooks/hook-log.js';
export type { SandboxChatView, SandboxEvent, SandboxMessageView } from '../state/views.js';

/** `GET /_sandbox/api/config`. */
export type SandboxConfig = SandboxConfigView;

/** An amoCRM user of an account, as `GET /_sandbox/api/config` lists it. */
export type SandboxUser = SandboxConfig['accounts'][number]['users'][number];

/** An uploaded file, ready to be sent as an attachment. */
export interface UploadedFile {
  readonly url: string;
  readonly fileName: string;
  readonly fileSize: number;
  readonly type: string;
}
