import { z } from 'zod';
import {
  httpEditEventSchema,
  httpMessageEventSchema,
  httpReactionEventSchema,
  httpReadEventSchema,
  httpTypingEventSchema,
} from './http-event-schema.js';
import {
  httpOutboundMessageSchema,
  httpOutboundReactionSchema,
  httpOutboundTypingSchema,
} from './http-outbound-schema.js';

/** One field of one http channel event, as the protocol tables show it. */
export interface HttpProtocolField {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly note: string;
}

interface JsonSchemaNode {
  readonly type?: string | readonly string[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly maxLength?: number;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchemaNode;
}

function typeOf(node: JsonSchemaNode): string {
  if (node.const !== undefined) return `"${String(node.const)}"`;
  if (node.enum) return node.enum.map((v) => `"${String(v)}"`).join(' \\| ');
  if (node.type === 'array') return `array of ${node.items ? typeOf(node.items) : 'any'}`;
  const base = typeof node.type === 'string' ? node.type : (node.type?.join(' \\| ') ?? 'any');
  return node.format === 'uri' ? 'string (URL)' : base;
}

function walk(node: JsonSchemaNode, prefix: string, out: HttpProtocolField[]): void {
  const required = new Set(node.required ?? []);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    const notes = [child.description, child.maxLength ? `at most ${child.maxLength} characters` : undefined];
    out.push({
      path,
      type: child.type === 'object' ? 'object' : typeOf(child),
      required: required.has(name),
      note: notes.filter(Boolean).join('; '),
    });
    if (child.type === 'object') walk(child, path, out);
    if (child.type === 'array' && child.items?.type === 'array' && child.items.items?.type === 'object') {
      walk(child.items.items, `${path}[][]`, out);
    }
  }
}

/** The fields of one schema, depth first, with which are required (zod's JSON Schema of the input side). */
export function describeSchema(schema: z.ZodType): HttpProtocolField[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  const fields: HttpProtocolField[] = [];
  walk(json, '', fields);
  return fields;
}

/** Every event of the http channel, both ways, in the order the README shows them. */
export const HTTP_PROTOCOL_EVENTS = [
  { direction: 'to the bridge', name: 'message', schema: httpMessageEventSchema },
  { direction: 'to the bridge', name: 'read', schema: httpReadEventSchema },
  { direction: 'to the bridge', name: 'typing', schema: httpTypingEventSchema },
  { direction: 'to the bridge', name: 'edit', schema: httpEditEventSchema },
  { direction: 'to the bridge', name: 'reaction', schema: httpReactionEventSchema },
  { direction: 'from the bridge', name: 'message', schema: httpOutboundMessageSchema },
  { direction: 'from the bridge', name: 'typing', schema: httpOutboundTypingSchema },
  { direction: 'from the bridge', name: 'reaction', schema: httpOutboundReactionSchema },
] as const;

/** The protocol tables as Markdown: one table per event, a row per field with "required" or "optional". */
export function renderHttpProtocolTables(): string {
  const sections = HTTP_PROTOCOL_EVENTS.map(({ direction, name, schema }) => {
    const rows = describeSchema(schema).map(
      (f) => `| \`${f.path}\` | ${f.type} | ${f.required ? 'required' : 'optional'} | ${f.note} |`,
    );
    return [`**${name}** (${direction})`, '', '| field | type | | notes |', '| --- | --- | --- | --- |', ...rows].join(
      '\n',
    );
  });
  return `${sections.join('\n\n')}\n`;
}
