import { describe, expect, it } from 'vitest';
import { contactAddModal, contactCard, contactEditModal } from '../../../src/bot/views/contacts.ts';
import { helpMessage } from '../../../src/bot/views/help.ts';
import { importsMessage } from '../../../src/bot/views/import-history.ts';
import { importChooseListModal, importModal, importReportMessage, importSummaryMessage, type ImportPreviewState } from '../../../src/bot/views/imports.ts';
import { LIST_SELECT_ACTION, listCreateModal, listDeleteConfirmation, listsMessage } from '../../../src/bot/views/lists.ts';
import { membersMessage } from '../../../src/bot/views/members.ts';
import { templateCard, templateModal, templatePreviewMessage, templatesMessage } from '../../../src/bot/views/templates.ts';
import type { Contact } from '../../../src/db/contacts.ts';
import type { ImportRecord } from '../../../src/db/imports.ts';
import type { List } from '../../../src/db/lists.ts';
import type { Template } from '../../../src/db/templates.ts';
import { suggestMapping } from '../../../src/imports/mapping.ts';
import type { Rejection } from '../../../src/imports/rows.ts';
import { assertValidMessageBlocks, assertValidView } from '../../helpers/fake-slack.ts';

const long = (n: number, c = 'x') => c.repeat(n);
const hostile = '<!channel> & <@U1> *bold*';
const mrkdwnOf = (blocks: readonly object[]) => JSON.stringify(blocks).match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*"/g)?.join('\n') ?? '';
const date = new Date('2025-03-01T10:00:00Z');

const list = (i: number): List => ({ id: BigInt(i), name: `${hostile}${long(80)}${i}`, description: long(500), contact_count: 1_000_000, created_at: date });
const contact: Contact = {
  id: 1n, email: `${long(300)}@example.com`, first_name: long(255), last_name: hostile, status: 'unsubscribed',
  custom_fields: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`field_${i}`, `${hostile}${long(2000)}`])), tags: Array.from({ length: 50 }, (_, i) => `${long(60)}${i}`),
  created_at: date,
};
const template: Template = {
  id: 1n, name: `${hostile}${long(60)}`, subject: long(998), html_content: `\`\`\`${long(2997)}`, text_content: long(3000),
  merge_fields: Array.from({ length: 100 }, (_, i) => `field_${i}`), created_by: 'U1', updated_at: date,
};
const rejections: Rejection[] = Array.from({ length: 10 }, (_, i) => ({ line: i + 2, email: hostile, reason: 'invalid', detail: `“${hostile}${long(100)}” is not an email address` }));
const preview = (columns: number): ImportPreviewState => ({
  importId: 42n, listName: `${hostile}${long(80)}`, filename: `${hostile}.csv`,
  mapping: suggestMapping(Array.from({ length: columns }, (_, i) => (i === 0 ? 'email' : `${long(300)} ${i}`))), problem: null, rejected: rejections,
  totalRows: 500_000, newCount: 1, updatedCount: 2, unchangedCount: 3, invalidCount: 4, duplicateCount: 5, suppressedCount: 6,
});

describe('list and contact views', () => {
  it('stay within Slack limits with many long, hostile names and escape them', () => {
    const lists = Array.from({ length: 300 }, (_, i) => list(i));
    const message = listsMessage(lists);
    assertValidMessageBlocks(message.blocks);
    expect(mrkdwnOf(message.blocks)).not.toContain('<!channel>');
    assertValidMessageBlocks(listsMessage([]).blocks);
    assertValidMessageBlocks(listDeleteConfirmation(list(1)).blocks);
    assertValidView(listCreateModal('C1'));
    assertValidView(contactAddModal({ channel: 'C1', lists, listId: 5n }));
    assertValidView(contactEditModal({ channel: 'C1', contact }));
    const card = contactCard({ contact, lists: lists.map((l) => l.name) });
    assertValidMessageBlocks(card.blocks);
    expect(mrkdwnOf(card.blocks)).not.toContain('<@U1>');
  });
});

describe('contact edit form', () => {
  const inputOf = (view: { blocks: object[] }, blockId: string) =>
    (view.blocks as Array<{ block_id?: string; element?: Record<string, any> }>).find((b) => b.block_id === blockId);
  const small = { ...contact, email: 'ann@example.com', first_name: 'Ann', tags: ['vip'] };

  it('escapes line breaks and backslashes in field values, one field per line', () => {
    const view = contactEditModal({ contact: { ...small, custom_fields: { notes: 'Line one\r\nC:\\temp', city: 'Berlin' } } });
    expect(inputOf(view, 'fields')?.element?.initial_value).toBe('notes=Line one\\r\\nC:\\\\temp\ncity=Berlin');
    expect(inputOf(view, 'tags')?.element?.initial_value).toBe('vip');
  });

  it('shows fields it could not save back as they are read-only, never as a box', () => {
    const view = contactEditModal({ contact: { ...small, custom_fields: { purchase_count: 5, ' Padded ': 'x' } } });
    expect(inputOf(view, 'fields')).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('Custom fields (2) hold values this form cannot show as they are');
    assertValidView(view);
  });
});

describe('long listings', () => {
  /** All text of the blocks, as Slack adds it up for msg_blocks_too_long (refused near 12,000). */
  const blockText = (value: unknown): string =>
    Array.isArray(value) ? value.map(blockText).join('')
      : value && typeof value === 'object' ? Object.entries(value).map(([key, v]) => (key === 'text' && typeof v === 'string' ? v : blockText(v))).join('')
        : '';

  it('show what fits one message and say how many more there are and how to find them', () => {
    const lists = listsMessage(Array.from({ length: 300 }, (_, i) => list(i)));
    const listsShown = blockText(lists.blocks).match(/— 1,000,000 contacts/g)?.length ?? 0;
    expect(listsShown).toBeGreaterThan(0);
    expect(blockText(lists.blocks)).toContain(`…and ${300 - listsShown} more. \`/herald lists <part of a name>\` shows the lists whose name contains it.`);
    expect(blockText(lists.blocks).length).toBeLessThan(11_000);

    const templates = templatesMessage(Array.from({ length: 200 }, () => template));
    const templatesShown = blockText(templates.blocks).match(/fields: /g)?.length ?? 0;
    expect(templatesShown).toBeGreaterThan(0);
    expect(blockText(templates.blocks)).toContain(`…and ${200 - templatesShown} more. \`/herald templates <part of a name>\``);
    expect(blockText(templates.blocks).length).toBeLessThan(11_000);
  });

  it('say what was searched for, escaped', () => {
    expect(listsMessage([], '<!channel>').blocks).toEqual([expect.objectContaining({ text: expect.objectContaining({
      text: 'No list’s name contains “&lt;!channel&gt;”. `/herald lists` shows them all.' }) })]);
    expect(mrkdwnOf(listsMessage([list(1)], '<!here>').blocks)).toContain('*1 list whose name contains “&lt;!here&gt;”*');
  });
});

const listElement = (view: { blocks: object[] }) =>
  (view.blocks as Array<{ block_id?: string; element: Record<string, any> }>).find((b) => b.block_id === 'list')!.element;

describe('list selects beyond 100 lists', () => {
  const lists = Array.from({ length: 300 }, (_, i) => ({ ...list(i + 1), name: `List ${String(i + 1).padStart(3, '0')}` }));

  it('contact add searches every list and preselects the one named, even #250', () => {
    const view = contactAddModal({ channel: 'C1', lists, listId: 250n });
    assertValidView(view);
    expect(listElement(view)).toEqual({ type: 'external_select', action_id: LIST_SELECT_ACTION, min_query_length: 0,
      placeholder: { type: 'plain_text', text: 'Type to find a list' }, initial_option: { text: { type: 'plain_text', text: 'List 250' }, value: '250' } });
  });

  it('the import list choice searches every list', () => {
    const view = importChooseListModal({ channel: 'C1', fileId: 'F1', lists });
    assertValidView(view);
    expect(listElement(view)).toMatchObject({ type: 'external_select', action_id: LIST_SELECT_ACTION, min_query_length: 0 });
    expect(listElement(view).initial_option).toBeUndefined();
  });

  it('up to 100 lists stay a static select with all of them, one more makes it search', () => {
    const view = contactAddModal({ channel: 'C1', lists: lists.slice(0, 100), listId: 100n });
    expect(listElement(view)).toMatchObject({ type: 'static_select', action_id: LIST_SELECT_ACTION, initial_option: { value: '100' } });
    expect(listElement(view).options).toHaveLength(100);
    expect(listElement(importChooseListModal({ channel: 'C1', fileId: 'F1', lists: lists.slice(0, 100) })).options).toHaveLength(100);
    expect(listElement(contactAddModal({ channel: 'C1', lists: lists.slice(0, 101), listId: 100n }))).toMatchObject({
      type: 'external_select', initial_option: { value: '100' } });
  });
});

describe('import views', () => {
  it('the mapping modal stays under 100 blocks however many columns the file has', () => {
    const view = importModal({ ...preview(300), channel: 'C1', problem: 'Choose the column that holds the email addresses.' });
    assertValidView(view);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view.blocks)).toContain('220 more columns keep their guessed mapping');
  });

  it('summary, report, history and list choice are valid messages and views', () => {
    assertValidMessageBlocks(importSummaryMessage(preview(5)).blocks);
    const report = { ...preview(5), rejected: Array.from({ length: 5000 }, (_, i) => ({ ...rejections[0]!, line: i })) };
    const message = importReportMessage(report, { listName: report.listName, filename: report.filename });
    assertValidMessageBlocks(message.blocks);
    expect(mrkdwnOf(message.blocks)).toContain('in the attached CSV');
    assertValidMessageBlocks(importReportMessage({ ...report, rejected: rejections }, { listName: 'L', filename: null }).blocks);
    const record = { id: 1n, created_at: date, filename: hostile, status: 'failed', error_message: long(3000), new_count: 1, updated_count: 1, invalid_count: 1, duplicate_count: 1, suppressed_count: 1 } as ImportRecord;
    assertValidMessageBlocks(importsMessage(Array.from({ length: 15 }, () => record)).blocks);
    assertValidView(importChooseListModal({ channel: 'C1', fileId: 'F1', lists: Array.from({ length: 300 }, (_, i) => list(i)) }));
  });
});

describe('template, help and member views', () => {
  it('are valid with the largest templates and escape names', () => {
    assertValidView(templateModal({ channel: 'C1', template }));
    assertValidView(templateModal({ channel: 'C1' }));
    assertValidMessageBlocks(templateCard(template).blocks);
    assertValidMessageBlocks(templatesMessage(Array.from({ length: 200 }, () => template)).blocks);
    const previewMessage = templatePreviewMessage(template, { subject: long(998), html: '', text: long(10_000), contact: hostile });
    assertValidMessageBlocks(previewMessage.blocks);
    expect(mrkdwnOf(previewMessage.blocks)).not.toContain('<!channel>');
    const help = helpMessage([{ title: 'All', entries: Array.from({ length: 80 }, (_, i) => ({ usage: `/herald thing${i} <x>`, description: long(200) })) }], { typed: hostile, suggestion: hostile, related: hostile });
    assertValidMessageBlocks(help.blocks);
    expect(mrkdwnOf(help.blocks)).not.toContain('<!channel>');
    assertValidMessageBlocks(membersMessage(Array.from({ length: 500 }, (_, i) => ({ slack_user_id: `U${i}`, role: 'editor' as const, display_name: null, created_at: date }))).blocks);
  });
});
