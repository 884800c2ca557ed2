import type { List } from '../../db/lists.ts';
import { LIST_NAME_MAX } from '../../contacts/lists.ts';
import { button, context, escapeMrkdwn, listingBlocks, modal, section, textInput, type Block, type ModalView } from './blocks.ts';
import { choiceInput, type Choice } from './choice-select.ts';

export const LIST_CREATE_VIEW = 'list_create';
export const LIST_DELETE_ACTION = 'list_delete_confirm';
export const LIST_DELETE_CANCEL_ACTION = 'list_delete_cancel';
/** The list selects' action_id, which the list options listener answers for. */
export const LIST_SELECT_ACTION = 'list_select';
const LIST_SEARCH_PLACEHOLDER = 'Type to find a list';

/** Picking one of the account's lists (input block `list`). */
export function listInput(input: { label: string; lists: readonly Choice[]; listId?: bigint; optional?: boolean }): Block {
  return choiceInput({
    blockId: 'list',
    label: input.label,
    choices: input.lists,
    selected: input.listId === undefined ? [] : [String(input.listId)],
    multi: false,
    actionId: LIST_SELECT_ACTION,
    searchPlaceholder: LIST_SEARCH_PLACEHOLDER,
    optional: input.optional,
  });
}

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

/** The account's lists, or those whose name contains `nameContains`. */
export function listsMessage(lists: readonly List[], nameContains = ''): { text: string; blocks: Block[] } {
  if (lists.length === 0) {
    const text = nameContains
      ? `No list’s name contains “${nameContains}”. \`/herald lists\` shows them all.`
      : 'No lists yet. Create one with `/herald list create`.';
    return { text, blocks: [section(escapeMrkdwn(text))] };
  }
  const count = `${lists.length.toLocaleString('en-US')} list${lists.length === 1 ? '' : 's'}`;
  const text = nameContains ? `${count} whose name contains “${nameContains}”` : count;
  const lines = lists.map(
    (list) => `*${escapeMrkdwn(list.name)}* — ${list.contact_count.toLocaleString('en-US')} contacts · created ${day(list.created_at)}` +
      (list.description ? `\n      ${escapeMrkdwn(list.description.split('\n')[0] ?? '')}` : ''),
  );
  return {
    text,
    blocks: [
      ...listingBlocks(`*${escapeMrkdwn(text)}*`, lines, '`/herald lists <part of a name>` shows the lists whose name contains it.'),
      context('`/herald list rename "Old" "New"` · `/herald list delete <list>`'),
    ],
  };
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
