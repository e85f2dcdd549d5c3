// Wire shapes of the amoCRM REST v4 parts a chat integration needs (spec section 5). Answers keep amoCRM's own
// snake_case field names; only the SDK's own inputs (options objects) are camelCase.

/** An OAuth token pair as the SDK stores it; `expiresAt` is the access token's expiry in epoch milliseconds. */
export interface TokenSet {
  readonly accessToken: string;
  /** Single-use: every refresh returns a new one and kills this one (spec 5.1). */
  readonly refreshToken: string;
  readonly expiresAt: number;
  /** Always `Bearer` in practice. */
  readonly tokenType: string;
}

/** Body of a 200 answer of `POST /oauth2/access_token` (spec 5.1). */
export interface OAuthTokenResponse {
  readonly token_type: string;
  readonly expires_in: number;
  readonly server_time?: number;
  readonly access_token: string;
  readonly refresh_token: string;
}

/** HAL links block of REST answers. */
export interface HalLinks {
  readonly self?: { readonly href: string };
  readonly next?: { readonly href: string };
  readonly first?: { readonly href: string };
  readonly prev?: { readonly href: string };
}

/** Values accepted by `GET /api/v4/account?with=` (spec 5.2); `amojo_id` is always requested by the SDK. */
export type AccountWith =
  | 'amojo_id'
  | 'amojo_rights'
  | 'users_groups'
  | 'task_types'
  | 'version'
  | 'entity_names'
  | 'datetime_settings'
  | 'drive_url'
  | 'is_api_filter_enabled'
  | 'invoices_settings';

/** Options of {@link AmocrmClient.getAccount}. */
export interface GetAccountOptions {
  /** Extra `with` values; `amojo_id` is always added. */
  readonly with?: readonly (AccountWith | (string & {}))[];
}

/** The account model of `GET /api/v4/account?with=amojo_id` (fields a chat integration uses; others pass through). */
export interface RestAccount {
  readonly id: number;
  readonly name: string;
  readonly subdomain: string;
  readonly current_user_id?: number;
  readonly country?: string;
  /** The account's id on the Chats side (UUID); the `account_id` of amojo bodies, not the numeric `id`. */
  readonly amojo_id: string;
  readonly _embedded?: {
    readonly amojo_rights?: { readonly can_direct: boolean; readonly can_create_groups: boolean };
    readonly [key: string]: unknown;
  };
  readonly _links?: HalLinks;
  readonly [key: string]: unknown;
}

/** One user of `GET /api/v4/users?with=amojo_id` (spec 5.2). */
export interface RestUser {
  readonly id: number;
  readonly name: string;
  readonly email?: string;
  readonly lang?: string;
  readonly rights?: Readonly<Record<string, unknown>>;
  /** The user's Chats participant id, usable as `sender.ref_id`; null when the user never opened chats. */
  readonly amojo_id: string | null;
  readonly _links?: HalLinks;
}

/** Options of {@link AmocrmClient.listUsers}. */
export interface ListUsersOptions {
  /** 1-based page number. */
  readonly page?: number;
  /** Page size, 1..250 (amoCRM answers 422 above 250). */
  readonly limit?: number;
}

/** One page of users; `users` is empty when amoCRM answers 204. */
export interface RestUsersPage {
  readonly users: readonly RestUser[];
  readonly page: number;
  readonly pageCount?: number;
  readonly totalItems?: number;
  readonly _links?: HalLinks;
}

/** A page of the WhatsApp site-button picker of a source (spec 5.3). */
export interface SourceServicePage {
  readonly id: string;
  readonly name: string;
  readonly link: string;
}

/** A `services[]` entry of a source; only `whatsapp` exists. */
export interface SourceService {
  readonly type: 'whatsapp';
  readonly params?: { readonly waba?: boolean; readonly is_supports_list_message?: boolean };
  readonly pages?: readonly SourceServicePage[];
}

/** A source as amoCRM returns it (spec 5.3). */
export interface RestSource {
  readonly id: number;
  readonly name: string;
  readonly pipeline_id: number;
  readonly external_id: string;
  readonly default: boolean;
  readonly origin_code: string | null;
  readonly services?: readonly SourceService[];
  /** Present in create/update answers: the echoed `request_id` or the array index. */
  readonly request_id?: string;
  readonly _links?: HalLinks;
}

/** A source to create; `name` and `external_id` are required (spec 5.3). */
export interface SourceCreate {
  readonly name: string;
  /** Printable ASCII incl. space, at most 40 characters; immutable once created. */
  readonly external_id: string;
  readonly pipeline_id?: number;
  /** At most one default source per integration; setting it clears the previous default. */
  readonly default?: boolean;
  readonly origin_code?: string | null;
  readonly services?: readonly SourceService[];
  readonly request_id?: string;
}

/** Fields that can be changed on a source; `external_id` cannot change (amoCRM refuses it). */
export interface SourcePatch {
  readonly name?: string;
  readonly pipeline_id?: number;
  readonly default?: boolean;
  readonly origin_code?: string | null;
  readonly services?: readonly SourceService[];
  readonly request_id?: string;
  /** Only accepted when it equals the current value. */
  readonly external_id?: string;
}

/** One entry of a batch source update. */
export interface SourceUpdate extends SourcePatch {
  readonly id: number;
}

/** Options of {@link AmocrmClient.listSources}. */
export interface ListSourcesOptions {
  /** Sent as `filter[external_id][]=...`. */
  readonly externalIds?: readonly string[];
}

/** A custom field value of a contact (`custom_fields_values[]`). */
export interface CustomFieldValues {
  readonly field_id?: number;
  readonly field_code?: string;
  readonly values: readonly { readonly value: unknown; readonly enum_id?: number; readonly enum_code?: string }[];
}

/** A tag reference. */
export interface TagRef {
  readonly id?: number;
  readonly name?: string;
}

/** A contact to create with `POST /api/v4/contacts` (all fields optional, spec 5.4). */
export interface ContactCreate {
  readonly name?: string;
  readonly first_name?: string;
  readonly last_name?: string;
  readonly responsible_user_id?: number;
  readonly created_by?: number;
  readonly updated_by?: number;
  readonly created_at?: number;
  readonly updated_at?: number;
  readonly custom_fields_values?: readonly CustomFieldValues[];
  readonly tags_to_add?: readonly TagRef[];
  readonly _embedded?: { readonly tags?: readonly TagRef[] };
  readonly request_id?: string;
}

/** One entry of the create-contacts answer. */
export interface CreatedContact {
  readonly id: number;
  readonly request_id?: string;
  readonly _links?: HalLinks;
}

/** A contact as `GET /api/v4/contacts[/{id}]` returns it (fields used here; others pass through). */
export interface RestContact {
  readonly id: number;
  readonly name: string;
  readonly first_name?: string;
  readonly last_name?: string;
  readonly responsible_user_id?: number;
  readonly created_at?: number;
  readonly updated_at?: number;
  readonly custom_fields_values?: readonly CustomFieldValues[] | null;
  readonly _embedded?: Readonly<Record<string, unknown>>;
  readonly _links?: HalLinks;
  readonly [key: string]: unknown;
}

/** Options of {@link AmocrmClient.findContacts}. */
export interface FindContactsOptions {
  /** Full-text query (name, phone, e-mail...). */
  readonly query: string;
  readonly page?: number;
  /** 1..250. */
  readonly limit?: number;
}

/** One chat-to-contact link to create (camelCase input; sent as `chat_id`, `contact_id`, `request_id`). */
export interface ChatLinkInput {
  /** amojo chat UUID (create-chat `id`, hook `conversation.id`). */
  readonly chatId: string;
  readonly contactId: number;
  readonly requestId?: string;
}

/** A chat-to-contact link as amoCRM returns it; `id` may change when the link changes (spec 5.4). */
export interface ChatLink {
  readonly chat_id: string;
  readonly contact_id: number;
  readonly id: number;
  readonly request_id?: string;
}

/** Options of {@link AmocrmClient.listChatLinks}; at least one list must be non-empty. */
export interface ListChatLinksOptions {
  readonly chatIds?: readonly string[];
  readonly contactIds?: readonly number[];
}

/** Answer of `GET /oauth2/account/current/subdomain` (spec 5.1). */
export interface AccountSubdomain {
  readonly id: number;
  readonly subdomain: string;
  readonly domain: string;
  readonly top_level_domain: string;
}

/** Query of the GET amoCRM sends to the Redirect URI when the widget is installed (spec 4.7). */
export interface InstallRedirect {
  /** Authorization code, valid 20 minutes, single use. */
  readonly code: string;
  /** Account host, e.g. `example.amocrm.ru`; validate it before sending secrets there. */
  readonly referer: string;
  readonly state?: string;
  /** `1` = amocrm.ru, `2` = amocrm.com / kommo.com. */
  readonly platform?: number;
  /** True when the GET came from a widget installation (`from_widget`). */
  readonly fromWidget: boolean;
}

/** Input of {@link verifyDisabledHook}. */
export interface DisabledHookInput {
  /** The integration id (`client_uuid`, also sent as `client_id`). */
  readonly clientUuid: string;
  /** Numeric amoCRM account id as received. */
  readonly accountId: string | number;
  /** Hex HMAC-SHA256 from the `signature` query parameter. */
  readonly signature: string | null | undefined;
  readonly clientSecret: string;
}

/** Query of the integration-disabled GET hook (spec 4.7). */
export interface DisabledHook {
  readonly clientUuid: string;
  readonly accountId: string;
  readonly signature: string;
}

/** Event types of `GET /api/v4/events` that a chat integration reads (spec 5.6). */
export type ChatEventType = 'outgoing_chat_message' | 'incoming_chat_message';

/** Options of {@link AmocrmClient.listEvents}. */
export interface ListEventsOptions {
  /** `filter[type]`: one or more event types. */
  readonly types: readonly string[];
  /** `filter[created_at][from]`, Unix seconds (inclusive). */
  readonly createdFrom?: number;
  /** `filter[created_at][to]`, Unix seconds (inclusive). */
  readonly createdTo?: number;
  /** 1-based page. */
  readonly page?: number;
  /** Events per page, 1..100 (amoCRM's maximum for events). */
  readonly limit?: number;
}

/** The message an `outgoing_chat_message` / `incoming_chat_message` event is about (its `value_after[].message`). */
export interface ChatEventMessage {
  /** amojo message id. */
  readonly id: string;
  /** Channel code of the chat, e.g. `amo.ext.123`. */
  readonly origin?: string;
  /** The talk (`GET /api/v4/talks/{id}`) the message belongs to. */
  readonly talk_id?: number;
}

/** One event of `GET /api/v4/events` (only the fields a chat integration uses are typed). */
export interface RestEvent {
  readonly id: string;
  readonly type: string;
  readonly entity_id?: number;
  readonly entity_type?: string;
  readonly created_by?: number;
  /** Unix seconds. */
  readonly created_at: number;
  readonly account_id?: number;
  readonly value_after?: readonly { readonly message?: ChatEventMessage }[];
  readonly value_before?: readonly unknown[];
}

/** One page of events. */
export interface RestEventsPage {
  readonly events: readonly RestEvent[];
  readonly page: number;
  /** Whether amoCRM linked a next page. */
  readonly hasNext: boolean;
}

/** A talk (`GET /api/v4/talks/{id}`): one conversation of a chat in amoCRM, with the amojo `chat_id`. */
export interface RestTalk {
  readonly talk_id: number;
  /** amojo chat id. */
  readonly chat_id: string;
  readonly contact_id?: number | null;
  readonly entity_id?: number | null;
  readonly entity_type?: string | null;
  readonly origin?: string;
  readonly is_in_work?: boolean;
  readonly is_read?: boolean;
  readonly created_at?: number;
  readonly updated_at?: number;
  readonly account_id?: number;
}
