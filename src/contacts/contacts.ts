import type { Actor } from '../accounts/actor.ts';
import {
  addToList,
  changeContactStatus,
  findContact,
  findContactByEmail,
  isLiveContact,
  listNamesOfContact,
  lockContactCapacity,
  removeFromList,
  updateContact,
  upsertContact,
  type Contact,
} from '../db/contacts.ts';
import type { DatabasePool } from '../db/pool.ts';
import { UserError } from '../errors.ts';
import { normalizeEmail, parseFieldLines, parseTypedTags } from './fields.ts';
import { requireList, requireListById } from './lists.ts';

/**
 * What the contact form sends; every text is raw user input. Fields and tags are undefined
 * when the form did not offer them (the edit form shows them read-only when they do not fit).
 */
export type ContactForm = { email: string; firstName: string; lastName: string; fields?: string; tags?: string };

const NAME_MAX = 255;

function parseFields(text: string): Record<string, string> {
  const parsed = parseFieldLines(text);
  if ('problem' in parsed) throw UserError.field('fields', parsed.problem.message);
  return parsed.fields;
}

function parseTags(text: string): string[] {
  const parsed = parseTypedTags(text);
  if ('problem' in parsed) throw UserError.field('tags', parsed.problem);
  return parsed.tags;
}

function parseForm(form: Omit<ContactForm, 'email'>) {
  return {
    firstName: form.firstName.trim().slice(0, NAME_MAX) || null,
    lastName: form.lastName.trim().slice(0, NAME_MAX) || null,
    customFields: form.fields === undefined ? undefined : parseFields(form.fields),
    tags: form.tags === undefined ? undefined : parseTags(form.tags),
  };
}

export function requireEmail(raw: string, field = 'email'): string {
  const email = normalizeEmail(raw);
  if (!email) throw UserError.field(field, `“${raw.trim()}” is not an email address.`);
  return email;
}

/**
 * Adds a contact (optionally to a list). An email already in the account is merged into
 * that contact rather than refused; a new one must fit the account's contact_limit.
 */
export async function addContact(db: DatabasePool, actor: Actor, form: ContactForm, listId?: bigint): Promise<{ contact: Contact; created: boolean }> {
  const email = requireEmail(form.email);
  const data = parseForm(form);
  if (listId !== undefined) await requireListById(db, actor, listId);
  return db.transaction(async (tx) => {
    const capacity = await lockContactCapacity(tx, actor.userId);
    if (!(await isLiveContact(tx, actor.userId, email)) && capacity.live_contacts >= capacity.contact_limit) {
      throw new UserError(`Your plan allows ${capacity.contact_limit.toLocaleString('en-US')} contacts and you have reached it. Remove contacts or upgrade to add more.`);
    }
    const saved = await upsertContact(tx, actor.userId, { email, ...data, customFields: data.customFields ?? {}, tags: data.tags ?? [] });
    if (listId !== undefined) await addToList(tx, actor.userId, listId, saved.contact.id);
    return saved;
  });
}

/** Saves the edit form: names always, custom fields and tags only when the form offered them. */
export async function editContact(db: DatabasePool, actor: Actor, contactId: bigint, form: Omit<ContactForm, 'email'>): Promise<Contact> {
  const updated = await updateContact(db, actor.userId, contactId, parseForm(form));
  if (!updated) throw new UserError('That contact no longer exists.');
  return updated;
}

export async function requireContact(db: DatabasePool, actor: Actor, rawEmail: string): Promise<Contact> {
  const email = normalizeEmail(rawEmail);
  const contact = email ? await findContactByEmail(db, actor.userId, email) : null;
  if (!contact) throw new UserError(`There is no contact ${rawEmail.trim() ? `“${rawEmail.trim()}”` : 'with that email'} in this account.`);
  return contact;
}

export async function requireContactById(db: DatabasePool, actor: Actor, contactId: bigint): Promise<Contact> {
  const contact = await findContact(db, actor.userId, contactId);
  if (!contact) throw new UserError('That contact no longer exists.');
  return contact;
}

export async function contactDetails(db: DatabasePool, actor: Actor, contact: Contact): Promise<{ contact: Contact; lists: readonly string[] }> {
  return { contact, lists: await listNamesOfContact(db, actor.userId, contact.id) };
}

export async function unsubscribeContact(db: DatabasePool, actor: Actor, contact: Contact): Promise<void> {
  if (!(await changeContactStatus(db, actor.userId, contact.id, ['subscribed'], 'unsubscribed'))) {
    throw new UserError(`${contact.email} is not subscribed (status: ${contact.status}).`);
  }
}

/** Only a contact who unsubscribed can be resubscribed; bounces and complaints stay suppressed. */
export async function resubscribeContact(db: DatabasePool, actor: Actor, contact: Contact): Promise<void> {
  if (contact.status === 'bounced' || contact.status === 'complained') {
    throw new UserError(`${contact.email} ${contact.status === 'bounced' ? 'bounced' : 'marked an email as spam'}, so Herald keeps them suppressed.`);
  }
  if (!(await changeContactStatus(db, actor.userId, contact.id, ['unsubscribed'], 'subscribed'))) {
    throw new UserError(`${contact.email} is already subscribed.`);
  }
}

export async function removeContactFromList(db: DatabasePool, actor: Actor, rawEmail: string, listName: string): Promise<{ contact: Contact; list: string }> {
  const contact = await requireContact(db, actor, rawEmail);
  const list = await requireList(db, actor, listName);
  if (!(await removeFromList(db, actor.userId, list.id, contact.id))) {
    throw new UserError(`${contact.email} is not on the list “${list.name}”.`);
  }
  return { contact, list: list.name };
}
