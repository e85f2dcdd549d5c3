import type { FastifyReply, FastifyRequest } from 'fastify';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** The problem JSON body amoCRM answers errors with (spec 5.5). */
export function problemBody(
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...extra, title: TITLES[status] ?? 'Error', type: `https://httpstatus.es/${status}`, status, detail };
}

/** Sends an `application/problem+json` error. */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json')
    .send(JSON.stringify(problemBody(status, detail, extra)));
}

/** Sends a successful `application/hal+json` answer. */
export function sendHal(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return reply.code(status).type('application/hal+json').send(JSON.stringify(body));
}

/** Sends amoCRM's "nothing found" answer: 204 without a body. */
export function sendNoContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

/** `scheme://host[:port]` the client called, for `_links` hrefs. */
export function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** A `_links.self` object. */
export function selfLink(request: FastifyRequest, path: string): { self: { href: string } } {
  return { self: { href: `${originOf(request)}${path}` } };
}
