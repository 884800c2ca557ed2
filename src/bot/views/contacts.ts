import type { Contact } from '../../db/contacts.ts';
import type { List } from '../../db/lists.ts';
import { editableFieldLines, editableTags } from '../../contacts/fields.ts';
import { button, context, escapeMrkdwn, modal, section, textInput, truncate, type Block, type ModalView } from './blocks.ts';
import { listInput } from './lists.ts';

export const CONTACT_ADD_VIEW = 'contact_add';
export const CONTACT_EDIT_VIEW = 'contact_edit';
export const CONTACT_EDIT_ACTION = 'contact_edit_open';
export const CONTACT_UNSUBSCRIBE_ACTION = 'contact_unsubscribe';
export const CONTACT_RESUBSCRIBE_ACTION = 'contact_resubscribe';

const FIELDS_HINT = 'One per line as key=value, e.g. company=Acme. Templates use them as {{company}}. A line break in a value is \\n, a backslash \\\\.';
/** Slack's most for a plain_text_input: fields or tags that do not fit are shown, not offered for editing. */
const BOX_MAX = 3000;

function fieldsInput(initial?: string): Block {
  return textInput({ blockId: 'fields', label: 'Custom fields', optional: true, multiline: true, maxLength: BOX_MAX, hint: FIELDS_HINT, initial });
}

function tagsInput(initial?: string): Block {
  return textInput({ blockId: 'tags', label: 'Tags', optional: true, maxLength: BOX_MAX, placeholder: 'customer, beta', initial });
}

function nameInputs(contact?: Contact): Block[] {
  return [
    textInput({ blockId: 'first_name', label: 'First name', optional: true, maxLength: 255, initial: contact?.first_name }),
    textInput({ blockId: 'last_name', label: 'Last name', optional: true, maxLength: 255, initial: contact?.last_name }),
  ];
}

/** The box's initial text, or why it is not offered: it would not save back unchanged (null), or it does not fit. */
function boxOrReason(what: string, count: number, text: string | null): { initial: string } | { reason: string } {
  if (text === null) return { reason: `${what} (${count}) hold values this form cannot show as they are, so they are not offered for editing.` };
  if (text.length <= BOX_MAX) return { initial: text };
  return { reason: `${what} (${count}) are too long to edit here: ${text.length.toLocaleString('en-US')} characters, the box holds ${BOX_MAX.toLocaleString('en-US')}.` };
}

function readOnly(shown: string, reason: string, change: string): Block[] {
  return [section(shown), context(`${reason} Saving keeps them as they are; ${change}.`)];
}

/** Custom fields and tags as editable boxes, or read-only where the box would change them. */
function dataInputs(contact: Contact): Block[] {
  const fields = boxOrReason('Custom fields', Object.keys(contact.custom_fields).length, editableFieldLines(contact.custom_fields));
  const tags = boxOrReason('Tags', contact.tags.length, editableTags(contact.tags));
  return [
    ...('initial' in fields ? [fieldsInput(fields.initial)]
      : readOnly(['*Custom fields:*', ...fieldSummary(contact.custom_fields)].join('\n'), fields.reason, 'a CSV import with these columns changes them')),
    ...('initial' in tags ? [tagsInput(tags.initial)]
      : readOnly(`*Tags:* ${contact.tags.map(escapeMrkdwn).join(', ')}`, tags.reason, 'a CSV import adds tags')),
  ];
}

/** `key: value` lines for reading: one line each, long values cut, escaped. */
function fieldSummary(fields: Record<string, unknown>): string[] {
  return Object.entries(fields).map(([key, value]) => `${key}: ${escapeMrkdwn(truncate(String(value).replace(/\s+/g, ' '), 200))}`);
}

export function contactAddModal(state: { channel: string; lists: readonly List[]; listId?: bigint }): ModalView {
  const listBlock = state.lists.length === 0 ? [] : [listInput({ label: 'Add to list', lists: state.lists, listId: state.listId, optional: true })];
  return modal({
    callback_id: CONTACT_ADD_VIEW,
    title: 'Add contact',
    submit: 'Save',
    private_metadata: JSON.stringify({ channel: state.channel }),
    blocks: [textInput({ blockId: 'email', label: 'Email', maxLength: 320, placeholder: 'ann@example.com' }), ...listBlock, ...nameInputs(), fieldsInput(), tagsInput()],
  });
}

export function contactEditModal(state: { channel?: string; contact: Contact }): ModalView {
  return modal({
    callback_id: CONTACT_EDIT_VIEW,
    title: 'Edit contact',
    submit: 'Save',
    private_metadata: JSON.stringify({ channel: state.channel, contactId: String(state.contact.id) }),
    blocks: [section(`*${escapeMrkdwn(state.contact.email)}*`), ...nameInputs(state.contact), ...dataInputs(state.contact)],
  });
}

export function contactCard(details: { contact: Contact; lists: readonly string[] }): { text: string; blocks: Block[] } {
  const { contact, lists } = details;
  const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ');
  const fields = fieldSummary(contact.custom_fields);
  const id = String(contact.id);
  const statusButton = contact.status === 'subscribed'
    ? button('Unsubscribe', CONTACT_UNSUBSCRIBE_ACTION, id, 'danger')
    : contact.status === 'unsubscribed' ? button('Resubscribe', CONTACT_RESUBSCRIBE_ACTION, id) : null;
  return {
    text: `${contact.email} (${contact.status})`,
    blocks: [
      section(`*${escapeMrkdwn(contact.email)}*${name ? ` — ${escapeMrkdwn(name)}` : ''}\nStatus: *${contact.status}*`),
      section([
        `*Lists:* ${lists.length ? lists.map(escapeMrkdwn).join(', ') : 'none'}`,
        `*Tags:* ${contact.tags.length ? contact.tags.map(escapeMrkdwn).join(', ') : 'none'}`,
        ...(fields.length ? ['*Fields:*', ...fields] : []),
      ].join('\n')),
      { type: 'actions', block_id: 'contact', elements: [button('Edit', CONTACT_EDIT_ACTION, id), ...(statusButton ? [statusButton] : [])] },
      context(`Added ${contact.created_at.toISOString().slice(0, 10)}`),
    ],
  };
}
