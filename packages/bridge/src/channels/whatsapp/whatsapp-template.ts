import type { OutboundChannelMessage } from '../channel-adapter.js';
import { templateParameterOf } from './map-outbound.js';

/**
 * Where one template parameter's text comes from (settings `templateParameters` and `templateHeader`):
 * - `text`: the manager's whole message (its text, or a description and link of its file);
 * - `text.1`, `text.2`...: one part of the manager's text split on `|` ("Ann | 12 May | 15:00");
 * - `customer_name`, `manager_name`: the names amoCRM gave; `media` (header only): the message's file as an
 *   image, video or document header.
 */
export const TEMPLATE_SOURCE = /^(text|text\.[1-9]\d?|customer_name|manager_name)$/;

/** What the templates listing says of one template's shape, as far as parameters go. */
export interface TemplateShape {
  /** How many distinct `{{n}}` the body has. */
  readonly bodyParameters: number;
  /** The header's format, if the template has a header; `TEXT` headers may have one `{{1}}`. */
  readonly header?: { readonly format: string; readonly parameters: number };
}

const countPlaceholders = (text: unknown): number =>
  typeof text === 'string' ? new Set(text.match(/\{\{\d+\}\}/g) ?? []).size : 0;

/** Reads `components` of a `message_templates` entry. */
export function templateShapeOf(components: unknown): TemplateShape {
  const list = Array.isArray(components) ? (components as Record<string, unknown>[]) : [];
  const body = list.find((c) => String(c?.type).toUpperCase() === 'BODY');
  const header = list.find((c) => String(c?.type).toUpperCase() === 'HEADER');
  return {
    bodyParameters: countPlaceholders(body?.text),
    ...(header
      ? {
          header: {
            format: String(header.format ?? 'TEXT').toUpperCase(),
            parameters: String(header.format ?? 'TEXT').toUpperCase() === 'TEXT' ? countPlaceholders(header.text) : 1,
          },
        }
      : {}),
  };
}

/** The sources of the body parameters, in order (`templateParameters`, default one `text`). */
export function bodySources(setting: string | undefined): string[] {
  return (setting ?? 'text')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Why settings do not fit a template (a wrong parameter count, a header without a source), or undefined when they
 * fit. Checked when the instance is added or updated, so a wrong count is refused before any manager writes.
 */
export function settingsMismatch(
  shape: TemplateShape,
  settings: {
    readonly templateName?: string | undefined;
    readonly templateParameters?: string | undefined;
    readonly templateHeader?: string | undefined;
  },
): { readonly field: 'templateParameters' | 'templateHeader'; readonly message: string } | undefined {
  const sources = bodySources(settings.templateParameters);
  const name = settings.templateName;
  if (sources.length !== shape.bodyParameters) {
    const wanted =
      shape.bodyParameters === 0
        ? 'no body parameters: set templateParameters= (empty)'
        : `${shape.bodyParameters} body parameter${shape.bodyParameters === 1 ? '' : 's'} ({{1}}${shape.bodyParameters > 1 ? `..{{${shape.bodyParameters}}}` : ''}): give one source for each, e.g. templateParameters=${['customer_name', 'text.1', 'text.2', 'text.3', 'text.4'].slice(0, shape.bodyParameters).join(',')}`;
    return {
      field: 'templateParameters',
      message: `template ${name} has ${wanted}; templateParameters gives ${sources.length} (${sources.join(',') || 'none'})`,
    };
  }
  const header = shape.header;
  const needsHeader = header !== undefined && header.parameters > 0;
  if (needsHeader && !settings.templateHeader) {
    return {
      field: 'templateHeader',
      message:
        header.format === 'TEXT'
          ? `template ${name} has a text header with {{1}}: set templateHeader to its source (e.g. customer_name)`
          : `template ${name} has a ${header.format} header: set templateHeader=media (the manager's file goes there)`,
    };
  }
  if (!needsHeader && settings.templateHeader) {
    return { field: 'templateHeader', message: `template ${name} has no header parameter: remove templateHeader` };
  }
  if (needsHeader && header.format === 'TEXT' && settings.templateHeader === 'media') {
    return {
      field: 'templateHeader',
      message: `template ${name} has a text header: templateHeader=media is for image, video and document headers`,
    };
  }
  if (needsHeader && header.format !== 'TEXT' && settings.templateHeader !== 'media') {
    return {
      field: 'templateHeader',
      message: `template ${name} has a ${header.format} header: set templateHeader=media`,
    };
  }
  return undefined;
}

/** Template parameter text: WhatsApp refuses newlines, tabs and more than 4 consecutive spaces; at most 1024. */
const safe = (text: string): string =>
  text
    .replace(/[\n\t]+/g, ' ')
    .replace(/ {4,}/g, '   ')
    .trim()
    .slice(0, 1024);

const MEDIA_HEADER: Readonly<Record<string, string>> = { picture: 'image', video: 'video', file: 'document' };

/**
 * The `template` object of a send outside the window, or why this message cannot fill the template (a clear reason
 * for amoCRM: the count of `|`-separated parts, a missing file for a media header, an empty parameter).
 */
export function buildTemplate(input: {
  readonly name: string;
  readonly language: string;
  readonly parameters: string | undefined;
  readonly header: string | undefined;
  readonly message: OutboundChannelMessage;
}):
  | { readonly ok: true; readonly template: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string } {
  const { message } = input;
  const sources = bodySources(input.parameters);
  const parts = (message.message.text ?? '').split('|').map((p) => safe(p));
  const partsUsed = Math.max(
    0,
    ...[...sources, input.header ?? ''].map((s) => (s.startsWith('text.') ? Number(s.slice(5)) : 0)),
  );
  if (partsUsed > 0 && parts.length !== partsUsed) {
    return {
      ok: false,
      reason:
        `outside the 24-hour window the message goes as template ${input.name}, which takes ${partsUsed} part${partsUsed === 1 ? '' : 's'} ` +
        `separated by | (${sources.join(', ')}): this message has ${parts.length}`,
    };
  }
  const textOfSource = (source: string): string => {
    if (source === 'text') return templateParameterOf(message.message);
    if (source.startsWith('text.')) return parts[Number(source.slice(5)) - 1] ?? '';
    if (source === 'customer_name') return safe(message.recipient.name ?? message.recipient.phone ?? '');
    if (source === 'manager_name') return safe(message.sender.name ?? '');
    return '';
  };
  const components: Record<string, unknown>[] = [];
  const texts: { readonly label: string; readonly text: string }[] = [];
  const textParameter = (label: string, source: string) => {
    const text = textOfSource(source);
    texts.push({ label, text });
    return { type: 'text', text };
  };
  if (input.header === 'media') {
    const kind = MEDIA_HEADER[message.message.type];
    if (!kind || !message.message.media) {
      return {
        ok: false,
        reason: `outside the 24-hour window the message goes as template ${input.name}, whose header needs a picture, video or file: attach one`,
      };
    }
    const media = {
      link: message.message.media,
      ...(kind === 'document' && message.message.fileName ? { filename: message.message.fileName } : {}),
    };
    components.push({ type: 'header', parameters: [{ type: kind, [kind]: media }] });
  } else if (input.header) {
    components.push({ type: 'header', parameters: [textParameter(`header (${input.header})`, input.header)] });
  }
  if (sources.length > 0) {
    components.push({
      type: 'body',
      parameters: sources.map((source, index) => textParameter(`{{${index + 1}}} (${source})`, source)),
    });
  }
  const empty = texts.find((t) => t.text === '');
  if (empty) {
    return {
      ok: false,
      reason: `outside the 24-hour window the message goes as template ${input.name}: its parameter ${empty.label} would be empty`,
    };
  }
  return {
    ok: true,
    template: { name: input.name, language: { code: input.language }, ...(components.length ? { components } : {}) },
  };
}
