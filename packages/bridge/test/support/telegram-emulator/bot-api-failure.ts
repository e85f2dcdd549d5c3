/** A Bot API refusal: the `{ ok: false, error_code, description, parameters }` answer and its HTTP status. */
export class BotApiFailure extends Error {
  override readonly name = 'BotApiFailure';
  readonly status: number;
  readonly description: string;
  readonly parameters: Readonly<Record<string, unknown>> | undefined;
  constructor(status: number, description: string, parameters?: Readonly<Record<string, unknown>>) {
    super(description);
    this.status = status;
    this.description = description;
    this.parameters = parameters;
  }

  /** The JSON body the Bot API answers with. */
  toBody(): Record<string, unknown> {
    return {
      ok: false,
      error_code: this.status,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** The refusals the Bot API gives, worded as it words them. */
export const failures = {
  unauthorized: () => new BotApiFailure(401, 'Unauthorized'),
  notFound: () => new BotApiFailure(404, 'Not Found'),
  badRequest: (what: string) => new BotApiFailure(400, `Bad Request: ${what}`),
  chatNotFound: () => new BotApiFailure(400, 'Bad Request: chat not found'),
  blocked: () => new BotApiFailure(403, 'Forbidden: bot was blocked by the user'),
  tooManyRequests: (retryAfter: number) =>
    new BotApiFailure(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter }),
  conflict: (what: string) => new BotApiFailure(409, `Conflict: ${what}`),
  serverError: (status: number) => new BotApiFailure(status, status === 502 ? 'Bad Gateway' : `Internal Server Error`),
} as const;
