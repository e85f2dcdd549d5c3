import { randomBytes } from 'node:crypto';

/** A Graph API refusal: the `{ error: { message, type, code, error_subcode?, error_data?, fbtrace_id } }` answer. */
export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';
  readonly status: number;
  readonly code: number;
  readonly type: string;
  readonly subcode: number | undefined;
  readonly details: string | undefined;

  constructor(options: {
    status: number;
    code: number;
    message: string;
    type?: string;
    subcode?: number;
    details?: string;
  }) {
    super(options.message);
    this.status = options.status;
    this.code = options.code;
    this.type = options.type ?? 'OAuthException';
    this.subcode = options.subcode;
    this.details = options.details;
  }

  /** The JSON body the Graph API answers with. */
  toBody(): Record<string, unknown> {
    return {
      error: {
        message: this.message,
        type: this.type,
        code: this.code,
        ...(this.subcode !== undefined ? { error_subcode: this.subcode } : {}),
        ...(this.details !== undefined ? { error_data: { messaging_product: 'whatsapp', details: this.details } } : {}),
        fbtrace_id: randomBytes(9).toString('base64url'),
      },
    };
  }
}

/** An error as the Cloud API puts it in a `failed` status webhook (`statuses[].errors[]`). */
export interface StatusError {
  readonly code: number;
  readonly title: string;
  readonly message: string;
  readonly error_data: { readonly details: string };
}

/** The refusals the Cloud API gives synchronously, worded as it words them. */
export const graphErrors = {
  noToken: () =>
    new GraphApiError({
      status: 401,
      code: 2500,
      message: 'An active access token must be used to query information about the current user.',
    }),
  invalidToken: () =>
    new GraphApiError({ status: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' }),
  revokedToken: () =>
    new GraphApiError({
      status: 401,
      code: 190,
      subcode: 460,
      message:
        'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
    }),
  unknownObject: (id: string) =>
    new GraphApiError({
      status: 400,
      code: 100,
      subcode: 33,
      type: 'GraphMethodException',
      message: `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    }),
  unknownPath: () => new GraphApiError({ status: 400, code: 2500, message: 'Unknown path components' }),
  invalidParameter: (details: string) =>
    new GraphApiError({ status: 400, code: 100, message: '(#100) Invalid parameter', details }),
  missingParameter: (details: string) =>
    new GraphApiError({ status: 400, code: 131008, message: '(#131008) Required parameter is missing', details }),
  invalidValue: (details: string) =>
    new GraphApiError({ status: 400, code: 131009, message: '(#131009) Parameter value is not valid', details }),
  templateMissing: (name: string, language: string) =>
    new GraphApiError({
      status: 404,
      code: 132001,
      message: '(#132001) Template name does not exist in the translation',
      details: `template name (${name}) does not exist in ${language}`,
    }),
  templateParams: (expected: number, got: number, component: 'body' | 'header' = 'body') =>
    new GraphApiError({
      status: 400,
      code: 132000,
      message: '(#132000) Number of parameters does not match the expected number of params',
      details: `${component}: number of localizable_params (${got}) does not match the expected number of params (${expected})`,
    }),
  templateFormat: (details: string) =>
    new GraphApiError({
      status: 400,
      code: 132012,
      message: '(#132012) Parameter format does not match format in the created template',
      details,
    }),
  mediaUpload: (details: string) =>
    new GraphApiError({ status: 400, code: 131053, message: '(#131053) Media upload error', details }),
  rateLimit: () =>
    new GraphApiError({
      status: 400,
      code: 130429,
      message: '(#130429) Rate limit hit',
      details: 'Cloud API message throughput has been reached.',
    }),
  pairRateLimit: () =>
    new GraphApiError({
      status: 400,
      code: 131056,
      message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
      details:
        'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    }),
  serverError: () =>
    new GraphApiError({
      status: 500,
      code: 131000,
      message: '(#131000) Something went wrong',
      details: 'Something went wrong',
    }),
} as const;

/** The errors the Cloud API reports asynchronously in a `failed` status. */
export const statusErrors = {
  reEngagement: (): StatusError => ({
    code: 131047,
    title: 'Re-engagement message',
    message: 'Re-engagement message',
    error_data: {
      details:
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    },
  }),
  undeliverable: (): StatusError => ({
    code: 131026,
    title: 'Message undeliverable',
    message: 'Message undeliverable',
    error_data: { details: 'Message Undeliverable.' },
  }),
  mediaDownload: (details: string): StatusError => ({
    code: 131053,
    title: 'Media upload error',
    message: 'Media upload error',
    error_data: { details },
  }),
} as const;
