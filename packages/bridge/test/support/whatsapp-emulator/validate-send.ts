import type { EmulatedTemplate } from './emulated-business.js';
import type { EmulatedNumber } from './emulated-number.js';
import { graphErrors, type StatusError, statusErrors } from './graph-api-error.js';

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const TYPES = new Set([...MEDIA_TYPES, 'text', 'location', 'contacts', 'reaction', 'template', 'interactive']);
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

/** Meta's supported media types and size limits per message type. */
export const MEDIA_LIMITS: Readonly<Record<string, { readonly types: readonly string[]; readonly maxBytes: number }>> =
  {
    image: { types: ['image/jpeg', 'image/png'], maxBytes: 5 * 1024 * 1024 },
    video: { types: ['video/mp4', 'video/3gpp'], maxBytes: 16 * 1024 * 1024 },
    audio: { types: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * 1024 * 1024 },
    sticker: { types: ['image/webp'], maxBytes: 500 * 1024 },
    document: {
      types: [
        'text/plain',
        'application/pdf',
        'application/msword',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.ms-excel',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'application/vnd.ms-powerpoint',
        'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      ],
      maxBytes: 100 * 1024 * 1024,
    },
  };

/** Why a file of this MIME type and size cannot be sent as this message type, or undefined when it can. */
export function mediaProblem(type: string, mimeType: string, size: number): string | undefined {
  const rule = MEDIA_LIMITS[type];
  if (!rule) return `Unsupported message type ${type}`;
  if (!rule.types.includes(mimeType)) return `${type}: unsupported media type ${mimeType || '(none)'}`;
  if (size > rule.maxBytes) return `${type}: ${size} bytes is over the limit of ${rule.maxBytes}`;
  if (size === 0) return `${type}: the file is empty`;
  return undefined;
}

/** What an accepted send leads to: the recipient and, when Meta would fail it later, the status error. */
export interface CheckedSend {
  readonly to: string;
  /** Set when the message is accepted (200, a wamid) but then fails by webhook, as Meta does for these. */
  readonly asyncFailure: StatusError | undefined;
  /** Links the platform must download (media sent by `link`). */
  readonly links: readonly string[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/**
 * Checks a `POST /{phone-number-id}/messages` body as the Cloud API does: throws the synchronous refusal
 * ({@link GraphApiError}), or returns what happens after it is accepted (the 24-hour window and "not on WhatsApp"
 * are reported by a `failed` status, not by the answer).
 */
export function validateSend(number: EmulatedNumber, body: Record<string, unknown>): CheckedSend {
  if (body.messaging_product !== 'whatsapp') {
    throw graphErrors.invalidParameter('The parameter messaging_product is required and must be "whatsapp".');
  }
  if (!nonEmptyString(body.to)) throw graphErrors.missingParameter('The parameter to is required.');
  const to = body.to.replace(/\D/g, '');
  if (to.length < 7 || to.length > 15)
    throw graphErrors.invalidValue(`Invalid WhatsApp ID or phone number: ${body.to}`);
  const type = body.type ?? 'text';
  if (typeof type !== 'string' || !TYPES.has(type))
    throw graphErrors.invalidParameter(`Unsupported message type: ${String(type)}`);
  const content = body[type];
  if (!isObject(content) && !(type === 'contacts' && Array.isArray(content))) {
    throw graphErrors.missingParameter(`The parameter ${type} is required.`);
  }
  if (body.biz_opaque_callback_data !== undefined) {
    if (typeof body.biz_opaque_callback_data !== 'string' || body.biz_opaque_callback_data.length > 512) {
      throw graphErrors.invalidValue('biz_opaque_callback_data must be a string of at most 512 characters.');
    }
  }
  if (body.context !== undefined) {
    if (!isObject(body.context) || !nonEmptyString(body.context.message_id)) {
      throw graphErrors.invalidParameter('context.message_id must be a message id.');
    }
  }
  const links: string[] = [];
  switch (type) {
    case 'text': {
      const text = content as Record<string, unknown>;
      if (!nonEmptyString(text.body)) throw graphErrors.missingParameter('The parameter text.body is required.');
      if (text.body.length > TEXT_LIMIT)
        throw graphErrors.invalidValue(`text.body is longer than ${TEXT_LIMIT} characters.`);
      break;
    }
    case 'location': {
      const location = content as Record<string, unknown>;
      if (typeof location.latitude !== 'number' || typeof location.longitude !== 'number') {
        throw graphErrors.missingParameter('The parameters location.latitude and location.longitude are required.');
      }
      break;
    }
    case 'contacts': {
      if (!Array.isArray(content) || content.length === 0)
        throw graphErrors.missingParameter('contacts must not be empty.');
      for (const contact of content) {
        if (!isObject(contact) || !isObject(contact.name) || !nonEmptyString(contact.name.formatted_name)) {
          throw graphErrors.missingParameter('The parameter contacts[].name.formatted_name is required.');
        }
      }
      break;
    }
    case 'reaction': {
      const reaction = content as Record<string, unknown>;
      if (!nonEmptyString(reaction.message_id))
        throw graphErrors.missingParameter('The parameter reaction.message_id is required.');
      if (typeof reaction.emoji !== 'string')
        throw graphErrors.missingParameter('The parameter reaction.emoji is required.');
      break;
    }
    case 'interactive': {
      const interactive = content as Record<string, unknown>;
      if (!nonEmptyString(interactive.type) || !isObject(interactive.body) || !nonEmptyString(interactive.body.text)) {
        throw graphErrors.missingParameter('The parameters interactive.type and interactive.body.text are required.');
      }
      break;
    }
    case 'template':
      checkTemplate(number, content as Record<string, unknown>);
      break;
    default: {
      const media = content as Record<string, unknown>;
      const hasId = nonEmptyString(media.id);
      const hasLink = nonEmptyString(media.link);
      if (hasId === hasLink) throw graphErrors.invalidParameter(`${type} needs exactly one of id or link.`);
      const stored = hasId ? number.business.media.get(media.id as string) : undefined;
      if (hasId && (!stored || stored.businessId !== number.business.id)) {
        throw graphErrors.invalidValue(`Invalid media id: ${String(media.id)}`);
      }
      if (stored) {
        const problem = mediaProblem(type, stored.mimeType, stored.bytes.length);
        if (problem) throw graphErrors.invalidParameter(problem);
      }
      if (hasLink) {
        if (!/^https?:\/\//.test(media.link as string))
          throw graphErrors.invalidValue(`${type}.link must be an http(s) URL.`);
        links.push(media.link as string);
      }
      if (media.caption !== undefined) {
        if (type === 'audio' || type === 'sticker')
          throw graphErrors.invalidParameter(`${type} does not take a caption.`);
        if (typeof media.caption !== 'string' || media.caption.length > CAPTION_LIMIT) {
          throw graphErrors.invalidValue(`${type}.caption must be a string of at most ${CAPTION_LIMIT} characters.`);
        }
      }
    }
  }
  const customer = number.findCustomer(to);
  let asyncFailure: StatusError | undefined;
  if (!customer) asyncFailure = statusErrors.undeliverable();
  else if (type !== 'template' && !number.windowOpen(customer)) asyncFailure = statusErrors.reEngagement();
  return { to, asyncFailure, links };
}

function checkTemplate(number: EmulatedNumber, template: Record<string, unknown>): void {
  if (!nonEmptyString(template.name)) throw graphErrors.missingParameter('The parameter template.name is required.');
  const language = isObject(template.language) ? template.language.code : undefined;
  if (!nonEmptyString(language))
    throw graphErrors.missingParameter('The parameter template.language.code is required.');
  const found = number.business.templates.find(
    (t) => t.name === template.name && t.language === language && t.status === 'APPROVED',
  );
  if (!found) throw graphErrors.templateMissing(template.name, language);
  const expected = new Set(found.body.match(/\{\{\d+\}\}/g) ?? []).size;
  const components = Array.isArray(template.components) ? template.components : [];
  for (const component of components) {
    if (!isObject(component) || !['header', 'body', 'button'].includes(String(component.type))) {
      throw graphErrors.invalidParameter('template.components[].type must be header, body or button.');
    }
  }
  checkHeader(found, components.find((c) => isObject(c) && c.type === 'header') as Record<string, unknown> | undefined);
  const bodyComponent = components.find((c) => isObject(c) && c.type === 'body') as Record<string, unknown> | undefined;
  const parameters = Array.isArray(bodyComponent?.parameters) ? bodyComponent.parameters : [];
  if (parameters.length !== expected) throw graphErrors.templateParams(expected, parameters.length);
  checkTextParameters(parameters);
}

/** A template's header component: a text header's `{{1}}` as one text parameter, a media header's file by id/link. */
function checkHeader(found: EmulatedTemplate, header: Record<string, unknown> | undefined): void {
  const parameters = Array.isArray(header?.parameters) ? header.parameters : [];
  const expected =
    found.header === undefined
      ? 0
      : found.header.format === 'TEXT'
        ? new Set(found.header.text.match(/\{\{\d+\}\}/g) ?? []).size
        : 1;
  if (parameters.length !== expected) throw graphErrors.templateParams(expected, parameters.length, 'header');
  if (expected === 0 || !found.header) return;
  if (found.header.format === 'TEXT') {
    checkTextParameters(parameters);
    return;
  }
  const kind = found.header.format.toLowerCase();
  const parameter = parameters[0];
  const media = isObject(parameter) && parameter.type === kind ? parameter[kind] : undefined;
  if (!isObject(media)) throw graphErrors.templateFormat(`header: expected a parameter of type ${kind}`);
  if (nonEmptyString(media.id) === nonEmptyString(media.link)) {
    throw graphErrors.invalidParameter(`header ${kind} needs exactly one of id or link.`);
  }
}

function checkTextParameters(parameters: readonly unknown[]): void {
  for (const parameter of parameters) {
    if (!isObject(parameter) || parameter.type !== 'text' || !nonEmptyString(parameter.text)) {
      throw graphErrors.invalidParameter(
        'Template text parameters must be { type: "text", text } with non-empty text.',
      );
    }
    if (/[\n\t]| {5,}/.test(parameter.text as string)) {
      throw graphErrors.invalidValue(
        'Param text cannot have new-line/tab characters or more than 4 consecutive spaces',
      );
    }
  }
}
