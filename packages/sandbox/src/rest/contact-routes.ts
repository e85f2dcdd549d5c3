import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CrmState, StoredContact } from '../crm/crm-state.js';
import { grantOf } from './authenticate.js';
import { QueryParams, readPaging } from './query-params.js';
import { selfLink, sendHal, sendNoContent, sendProblem } from './reply-helpers.js';

/** Contacts amoCRM accepts in one batch request. */
export const MAX_CONTACTS_PER_REQUEST = 250;

type Draft = Record<string, unknown>;
type ItemErrors = { request_id: string; errors: { code: string; path: string; detail: string }[] };

const isObject = (value: unknown): value is Draft =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const requestIdOf = (item: unknown, index: number): string =>
  isObject(item) && typeof item.request_id === 'string' ? item.request_id : String(index);

/** Contacts (batch create, search, get) and contact<->chat links (spec 5.4). */
export function registerContactRoutes(app: FastifyInstance, crm: CrmState): void {
  app.post('/api/v4/contacts', async (request, reply) => {
    const grant = grantOf(request);
    const body = request.body;
    if (!Array.isArray(body) || body.length === 0) {
      return sendProblem(reply, 400, 'Request body must be a non-empty array of contacts');
    }
    if (body.length > MAX_CONTACTS_PER_REQUEST) {
      return sendProblem(reply, 400, `At most ${MAX_CONTACTS_PER_REQUEST} contacts per request; got ${body.length}`);
    }
    const invalid: ItemErrors[] = [];
    const drafts = body.map((item: unknown, index) => {
      const parsed = parseContact(item);
      if (parsed.errors.length > 0) invalid.push({ request_id: requestIdOf(item, index), errors: parsed.errors });
      return parsed;
    });
    if (invalid.length > 0) {
      return sendProblem(reply, 400, 'Request validation failed', { 'validation-errors': invalid });
    }
    const created = drafts.map((draft, index) => {
      const contact = crm.addContact(grant.accountAmojoId, { ...draft.contact, createdBy: grant.userId });
      return {
        id: contact.id,
        request_id: requestIdOf(body[index], index),
        is_deleted: false,
        is_unsorted: false,
        _links: selfLink(request, `/api/v4/contacts/${contact.id}`),
      };
    });
    return sendHal(reply, { _links: selfLink(request, '/api/v4/contacts'), _embedded: { contacts: created } });
  });

  app.get('/api/v4/contacts', async (request, reply) => {
    const grant = grantOf(request);
    const query = new QueryParams(request.url);
    const paging = readPaging(query);
    if (!paging.ok) return sendProblem(reply, paging.status, paging.detail);
    const search = query.get('query')?.trim();
    const all = crm
      .contacts(grant.accountAmojoId)
      .filter((c) => search === undefined || search === '' || matches(c, search));
    const { page, limit } = paging;
    const contacts = all.slice((page - 1) * limit, page * limit);
    if (contacts.length === 0) return sendNoContent(reply);
    return sendHal(reply, {
      _page: page,
      _links: {
        ...selfLink(request, `/api/v4/contacts?page=${page}&limit=${limit}`),
        ...(page * limit < all.length
          ? { next: selfLink(request, `/api/v4/contacts?page=${page + 1}&limit=${limit}`).self }
          : {}),
      },
      _embedded: { contacts: contacts.map((c) => contactJson(request, crm, c)) },
    });
  });

  // PATCH /api/v4/contacts: a batch of changes, each with its id; all or nothing, like the batch create.
  app.patch('/api/v4/contacts', async (request, reply) => {
    const grant = grantOf(request);
    const body = request.body;
    if (!Array.isArray(body) || body.length === 0) {
      return sendProblem(reply, 400, 'Request body must be a non-empty array of contacts with their id');
    }
    if (body.length > MAX_CONTACTS_PER_REQUEST) {
      return sendProblem(reply, 400, `At most ${MAX_CONTACTS_PER_REQUEST} contacts per request; got ${body.length}`);
    }
    const invalid: ItemErrors[] = [];
    const patches = body.map((item: unknown, index) => {
      const parsed = parseContact(item);
      const id = isObject(item) ? item.id : undefined;
      if (typeof id !== 'number' || !Number.isInteger(id)) {
        parsed.errors.push({ code: 'FieldMissing', path: 'id', detail: 'id (the contact id) is required' });
      } else if (!crm.contact(grant.accountAmojoId, id)) {
        parsed.errors.push({ code: 'EntityNotFound', path: 'id', detail: `contact ${id} does not exist` });
      }
      if (parsed.errors.length > 0) invalid.push({ request_id: requestIdOf(item, index), errors: parsed.errors });
      return { id: id as number, ...parsed.contact };
    });
    if (invalid.length > 0) {
      return sendProblem(reply, 400, 'Request validation failed', { 'validation-errors': invalid });
    }
    const updated = patches.map((patch, index) => {
      const contact = crm.updateContact(grant.accountAmojoId, patch.id, patch)!;
      return {
        id: contact.id,
        name: contact.name,
        updated_at: contact.updatedAt,
        request_id: requestIdOf(body[index], index),
        _links: selfLink(request, `/api/v4/contacts/${contact.id}`),
      };
    });
    return sendHal(reply, { _links: selfLink(request, '/api/v4/contacts'), _embedded: { contacts: updated } });
  });

  app.patch<{ Params: { id: string } }>('/api/v4/contacts/:id', async (request, reply) => {
    const grant = grantOf(request);
    const id = Number(request.params.id);
    if (!Number.isInteger(id) || !crm.contact(grant.accountAmojoId, id)) {
      return sendProblem(reply, 404, `Contact ${request.params.id} does not exist`);
    }
    const parsed = parseContact(request.body);
    if (parsed.errors.length > 0) {
      return sendProblem(reply, 400, 'Request validation failed', {
        'validation-errors': [{ request_id: '0', errors: parsed.errors }],
      });
    }
    const contact = crm.updateContact(grant.accountAmojoId, id, parsed.contact)!;
    return sendHal(reply, {
      id: contact.id,
      name: contact.name,
      updated_at: contact.updatedAt,
      _links: selfLink(request, `/api/v4/contacts/${contact.id}`),
    });
  });

  app.get<{ Params: { id: string } }>('/api/v4/contacts/:id', async (request, reply) => {
    const contact = crm.contact(grantOf(request).accountAmojoId, Number(request.params.id));
    if (!contact) return sendNoContent(reply);
    return sendHal(reply, contactJson(request, crm, contact));
  });

  app.post('/api/v4/contacts/chats', async (request, reply) => {
    const grant = grantOf(request);
    const body = request.body;
    if (!Array.isArray(body) || body.length === 0) {
      return sendProblem(reply, 400, 'Request body must be a non-empty array of {chat_id, contact_id}');
    }
    const invalid: ItemErrors[] = [];
    body.forEach((item: unknown, index) => {
      const errors: ItemErrors['errors'] = [];
      if (!isObject(item)) {
        errors.push({ code: 'InvalidType', path: '', detail: 'Each link must be a JSON object' });
      } else {
        if (typeof item.chat_id !== 'string' || item.chat_id === '') {
          errors.push({ code: 'FieldMissing', path: 'chat_id', detail: 'chat_id (amojo chat id) is required' });
        }
        if (!Number.isInteger(item.contact_id)) {
          errors.push({ code: 'FieldMissing', path: 'contact_id', detail: 'contact_id (integer) is required' });
        } else if (!crm.contact(grant.accountAmojoId, item.contact_id as number)) {
          errors.push({
            code: 'EntityNotFound',
            path: 'contact_id',
            detail: `contact with id = ${String(item.contact_id)} not found`,
          });
        }
        if (item.request_id !== undefined && typeof item.request_id !== 'string') {
          errors.push({ code: 'InvalidType', path: 'request_id', detail: 'request_id must be a string' });
        }
      }
      if (errors.length > 0) invalid.push({ request_id: requestIdOf(item, index), errors });
    });
    if (invalid.length > 0) {
      return sendProblem(reply, 400, 'Request validation failed', { 'validation-errors': invalid });
    }
    const chats = body.map((item: Draft, index) => {
      const link = crm.linkChat(item.chat_id as string, item.contact_id as number);
      return { chat_id: link.chatId, contact_id: link.contactId, id: link.id, request_id: requestIdOf(item, index) };
    });
    return sendHal(reply, { _total_items: chats.length, _embedded: { chats } });
  });

  app.get('/api/v4/contacts/chats', async (request, reply) => {
    const grant = grantOf(request);
    const query = new QueryParams(request.url);
    const chatIds = query.list('chat_id');
    const contactIdTexts = query.list('contact_id');
    if (chatIds === undefined && contactIdTexts === undefined) {
      return sendProblem(reply, 400, 'chat_id[] or contact_id[] is required');
    }
    if (contactIdTexts?.some((v) => !/^\d+$/.test(v))) return sendProblem(reply, 400, 'contact_id[] must be integers');
    const links = crm.chatLinks(grant.accountAmojoId, {
      ...(chatIds !== undefined ? { chatIds } : {}),
      ...(contactIdTexts !== undefined ? { contactIds: contactIdTexts.map(Number) } : {}),
    });
    return sendHal(reply, {
      _total_items: links.length,
      _embedded: { chats: links.map((l) => ({ chat_id: l.chatId, contact_id: l.contactId, id: l.id })) },
    });
  });
}

/** Reads one item of a contacts batch: name (or first/last name), PHONE and EMAIL from custom_fields_values. */
function parseContact(item: unknown): {
  contact: { name: string; phone?: string; email?: string };
  errors: ItemErrors['errors'];
} {
  const errors: ItemErrors['errors'] = [];
  if (!isObject(item)) {
    return {
      contact: { name: '' },
      errors: [{ code: 'InvalidType', path: '', detail: 'Each contact must be a JSON object' }],
    };
  }
  for (const field of ['name', 'first_name', 'last_name', 'request_id']) {
    if (item[field] !== undefined && typeof item[field] !== 'string') {
      errors.push({ code: 'InvalidType', path: field, detail: `${field} must be a string` });
    }
  }
  const values: Partial<Record<'PHONE' | 'EMAIL', string>> = {};
  if (item.custom_fields_values !== undefined && item.custom_fields_values !== null) {
    if (!Array.isArray(item.custom_fields_values)) {
      errors.push({
        code: 'InvalidType',
        path: 'custom_fields_values',
        detail: 'custom_fields_values must be an array',
      });
    } else {
      item.custom_fields_values.forEach((field: unknown, index) => {
        const path = `custom_fields_values.${index}`;
        if (!isObject(field) || !Array.isArray(field.values)) {
          errors.push({ code: 'InvalidType', path, detail: `${path} must be an object with a values array` });
          return;
        }
        const first = field.values[0] as unknown;
        const value = isObject(first) ? first.value : undefined;
        if (field.field_code === 'PHONE' || field.field_code === 'EMAIL') {
          if (typeof value !== 'string') {
            errors.push({ code: 'InvalidType', path: `${path}.values.0.value`, detail: 'value must be a string' });
          } else values[field.field_code] = value;
        }
      });
    }
  }
  const composed = [item.first_name, item.last_name].filter((v) => typeof v === 'string' && v !== '').join(' ');
  const name = typeof item.name === 'string' && item.name !== '' ? item.name : composed;
  return {
    contact: {
      name,
      ...(values.PHONE !== undefined ? { phone: values.PHONE } : {}),
      ...(values.EMAIL !== undefined ? { email: values.EMAIL } : {}),
    },
    errors,
  };
}

/** amoCRM's `query` matches name, e-mail and phone; phones are compared by their digits. */
function matches(contact: StoredContact, search: string): boolean {
  const needle = search.toLowerCase();
  if (contact.name.toLowerCase().includes(needle)) return true;
  if (contact.email?.toLowerCase().includes(needle)) return true;
  const digits = search.replace(/\D/g, '');
  return digits.length >= 3 && (contact.phone?.replace(/\D/g, '').includes(digits) ?? false);
}

function contactJson(request: FastifyRequest, crm: CrmState, contact: StoredContact): Record<string, unknown> {
  const fields = [];
  if (contact.phone !== undefined) {
    fields.push({
      field_id: 1001,
      field_name: 'Телефон',
      field_code: 'PHONE',
      field_type: 'multitext',
      values: [{ value: contact.phone, enum_id: 2001, enum_code: 'WORK' }],
    });
  }
  if (contact.email !== undefined) {
    fields.push({
      field_id: 1003,
      field_name: 'Email',
      field_code: 'EMAIL',
      field_type: 'multitext',
      values: [{ value: contact.email, enum_id: 2011, enum_code: 'WORK' }],
    });
  }
  const account = crm.account(contact.accountAmojoId);
  return {
    id: contact.id,
    name: contact.name,
    first_name: '',
    last_name: '',
    responsible_user_id: contact.createdBy,
    group_id: 0,
    created_by: contact.createdBy,
    updated_by: contact.createdBy,
    created_at: contact.createdAt,
    updated_at: contact.createdAt,
    closest_task_at: null,
    is_deleted: false,
    is_unsorted: false,
    custom_fields_values: fields.length > 0 ? fields : null,
    account_id: account?.id ?? 0,
    _links: selfLink(request, `/api/v4/contacts/${contact.id}`),
    _embedded: { tags: [], companies: [] },
  };
}
