import type { Contact } from '../../db/contacts.ts';
import type { List } from '../../db/lists.ts';
import { fieldLines } from '../../contacts/fields.ts';
import { button, context, escapeMrkdwn, modal, section, textInput, truncate, type Block, type ModalView } from './blocks.ts';
import { listInput } from './lists.ts';

export const CONTACT_ADD_VIEW = 'contact_add';
export const CONTACT_EDIT_VIEW = 'contact_edit';
export const CONTACT_EDIT_ACTION = 'contact_edit_open';
export const CONTACT_UNSUBSCRIBE_ACTION = 'contact_unsubscribe';
export const CONTACT_RESUBSCRIBE_ACTION = 'contact_resubscribe';

const FIELDS_HINT = 'One per line as key=value, e.g. company=Acme. Templates use them as {{company}}.';

function contactInputs(contact?: Contact): Block[] {
  return [
    textInput({ blockId: 'first_name', label: 'First name', optional: true, maxLength: 255, initial: contact?.first_name }),
    textInput({ blockId: 'last_name', label: 'Last name', optional: true, maxLength: 255, initial: contact?.last_name }),
    textInput({ blockId: 'fields', label: 'Custom fields', optional: true, multiline: true, maxLength: 3000, hint: FIELDS_HINT,
      initial: contact ? fieldLines(contact.custom_fields) : undefined }),
    textInput({ blockId: 'tags', label: 'Tags', optional: true, maxLength: 1000, placeholder: 'customer, beta', initial: contact?.tags.join(', ') }),
  ];
}

export function contactAddModal(state: { channel: string; lists: readonly List[]; listId?: bigint }): ModalView {
  const listBlock = state.lists.length === 0 ? [] : [listInput({ label: 'Add to list', lists: state.lists, listId: state.listId, optional: true })];
  return modal({
    callback_id: CONTACT_ADD_VIEW,
    title: 'Add contact',
    submit: 'Save',
    private_metadata: JSON.stringify({ channel: state.channel }),
    blocks: [textInput({ blockId: 'email', label: 'Email', maxLength: 320, placeholder: 'ann@example.com' }), ...listBlock, ...contactInputs()],
  });
}

export function contactEditModal(state: { channel?: string; contact: Contact }): ModalView {
  return modal({
    callback_id: CONTACT_EDIT_VIEW,
    title: 'Edit contact',
    submit: 'Save',
    private_metadata: JSON.stringify({ channel: state.channel, contactId: String(state.contact.id) }),
    blocks: [section(`*${escapeMrkdwn(state.contact.email)}*`), ...contactInputs(state.contact)],
  });
}

export function contactCard(details: { contact: Contact; lists: readonly string[] }): { text: string; blocks: Block[] } {
  const { contact, lists } = details;
  const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ');
  const fields = Object.entries(contact.custom_fields).map(([key, value]) => `${key}: ${escapeMrkdwn(truncate(String(value), 200))}`);
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
