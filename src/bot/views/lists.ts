import type { List } from '../../db/lists.ts';
import { LIST_NAME_MAX } from '../../contacts/lists.ts';
import { button, context, escapeMrkdwn, modal, section, sectionsOf, textInput, type Block, type ModalView } from './blocks.ts';

export const LIST_CREATE_VIEW = 'list_create';
export const LIST_DELETE_ACTION = 'list_delete_confirm';
export const LIST_DELETE_CANCEL_ACTION = 'list_delete_cancel';

export function listCreateModal(channel: string): ModalView {
  return modal({
    callback_id: LIST_CREATE_VIEW,
    title: 'New list',
    submit: 'Create',
    private_metadata: JSON.stringify({ channel }),
    blocks: [
      textInput({ blockId: 'name', label: 'Name', maxLength: LIST_NAME_MAX, placeholder: 'Newsletter' }),
      textInput({ blockId: 'description', label: 'Description', optional: true, multiline: true, maxLength: 500 }),
    ],
  });
}

const day = (date: Date) => date.toISOString().slice(0, 10);

export function listsMessage(lists: readonly List[]): { text: string; blocks: Block[] } {
  if (lists.length === 0) {
    const text = 'No lists yet. Create one with `/herald list create`.';
    return { text, blocks: [section(text)] };
  }
  const text = `${lists.length} list${lists.length === 1 ? '' : 's'}`;
  const lines = lists.map(
    (list) => `*${escapeMrkdwn(list.name)}* — ${list.contact_count.toLocaleString('en-US')} contacts · created ${day(list.created_at)}` +
      (list.description ? `\n      ${escapeMrkdwn(list.description.split('\n')[0] ?? '')}` : ''),
  );
  return { text, blocks: [...sectionsOf([`*${text}*`, ...lines]).slice(0, 48), context('`/herald list rename "Old" "New"` · `/herald list delete <list>`')] };
}

export function listDeleteConfirmation(list: List): { text: string; blocks: Block[] } {
  const text = `Delete the list “${list.name}” with its ${list.contact_count} memberships? Contacts stay in your account.`;
  return {
    text,
    blocks: [
      section(`Delete the list *${escapeMrkdwn(list.name)}*? Its ${list.contact_count.toLocaleString('en-US')} contacts stay in your account; campaigns already sent keep their history.`),
      { type: 'actions', block_id: 'list_delete', elements: [
        button('Delete list', LIST_DELETE_ACTION, String(list.id), 'danger'),
        button('Cancel', LIST_DELETE_CANCEL_ACTION, String(list.id)),
      ] },
    ],
  };
}
