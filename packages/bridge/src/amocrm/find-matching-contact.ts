import type { AmocrmClient, RestContact } from '@amojo-bridge/sdk';
import type { LinkContactsMode } from '../store/database.js';

/** A customer's reachable identities, as the messenger gave them. */
export interface CustomerIdentity {
  readonly phone?: string | undefined;
  readonly email?: string | undefined;
}

// Phones are compared by their last 10 digits, so "+7 (900) 123-45-67", "89001234567" and "79001234567" are one
// number; fewer than 7 digits never match (short codes and extensions).
const phoneKey = (value: string): string | undefined => {
  const digits = value.replace(/\D/g, '');
  return digits.length >= 7 ? digits.slice(-10) : undefined;
};

const valuesOf = (contact: RestContact, code: 'PHONE' | 'EMAIL'): string[] =>
  (contact.custom_fields_values ?? [])
    .filter((field) => field.field_code === code)
    .flatMap((field) => field.values.map((v) => (typeof v.value === 'string' ? v.value : '')))
    .filter((v) => v !== '');

/**
 * Finds the existing amoCRM contact a new chat belongs to (extension 3). `phone`: a contact whose PHONE field is
 * the same number; `phone_or_email`: by phone first, else a contact whose EMAIL equals the e-mail (case-insensitive).
 * amoCRM's `query` is a full-text search, so each hit is checked field by field.
 *
 * Ambiguous match (several contacts have the number): the OLDEST contact (lowest id) wins, the others are logged by
 * the caller. Duplicates are almost always created later than the original, and the oldest is the one the account's
 * history (leads, notes) hangs on. `undefined`: no match, the chat is created as usual (a new contact and lead).
 */
export async function findMatchingContact(
  crm: AmocrmClient,
  mode: LinkContactsMode,
  customer: CustomerIdentity,
): Promise<{ readonly contact: RestContact; readonly candidates: number } | undefined> {
  if (mode === 'off') return undefined;
  const phone = customer.phone ? phoneKey(customer.phone) : undefined;
  if (phone) {
    const hits = (await crm.findContacts({ query: phone, limit: 50 })).filter((c) =>
      valuesOf(c, 'PHONE').some((v) => phoneKey(v) === phone),
    );
    const oldest = pickOldest(hits);
    if (oldest) return { contact: oldest, candidates: hits.length };
  }
  const email = customer.email?.trim().toLowerCase();
  if (mode === 'phone_or_email' && email) {
    const hits = (await crm.findContacts({ query: email, limit: 50 })).filter((c) =>
      valuesOf(c, 'EMAIL').some((v) => v.trim().toLowerCase() === email),
    );
    const oldest = pickOldest(hits);
    if (oldest) return { contact: oldest, candidates: hits.length };
  }
  return undefined;
}

function pickOldest(contacts: readonly RestContact[]): RestContact | undefined {
  return [...contacts].sort((a, b) => a.id - b.id)[0];
}
