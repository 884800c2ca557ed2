import { describe, expect, it } from 'vitest';
import { clientSideErrors, slackValue, stateValues } from '../../src/sandbox/platform/view-state.ts';
import { renderBlocks } from '../../src/sandbox/render/blocks.ts';
import { mrkdwn } from '../../src/sandbox/render/mrkdwn.ts';

const names = { member: (id: string) => ({ U0ANN: 'Ann Admin' })[id], channel: (id: string) => ({ C0MARKETING: 'marketing' })[id] };
const ctx = { names, directory: { members: [{ id: 'U0ANN', real_name: 'Ann Admin' }], channels: [{ id: 'C0MARKETING', name: 'marketing', im: false }] } };
const render = (blocks: object[]) => renderBlocks(blocks as never, ctx).value;
const plain = (text: string) => ({ type: 'plain_text', text });
const option = (value: string, text = value) => ({ text: plain(text), value });

describe('mrkdwn', () => {
  it('renders Slack formatting, links, mentions and emoji', () => {
    const out = mrkdwn('*Spring sale* is _ready_ ~old~ `code` :white_check_mark: <https://x.example/a?b=1&amp;c=2|the link> <@U0ANN> <#C0MARKETING> <!here>\n> quoted', names).value;
    expect(out).toContain('<b>Spring sale</b>');
    expect(out).toContain('<i>ready</i>');
    expect(out).toContain('<s>old</s>');
    expect(out).toContain('<code>code</code>');
    expect(out).toContain('✅');
    expect(out).toContain('<a href="https://x.example/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the link</a>');
    expect(out).toContain('@Ann Admin');
    expect(out).toContain('#marketing');
    expect(out).toContain('@here');
    expect(out).toContain('<blockquote>quoted</blockquote>');
  });

  it('shows code spans as written, even with <angle brackets> inside', () => {
    expect(mrkdwn('`/herald import <list>` then <https://x.example|go>', names).value).toBe(
      '<code>/herald import &lt;list&gt;</code> then <a href="https://x.example" target="_blank" rel="noopener noreferrer">go</a>',
    );
  });

  it('escapes markup and refuses script links', () => {
    const out = mrkdwn('<script>alert(1)</script> &lt;b&gt; <javascript:alert(1)|click> ```<i>pre</i>```', names).value;
    expect(out).not.toMatch(/<script|<b>|href="javascript/);
    expect(out).toContain('&lt;b&gt;');
    expect(out).toContain('<pre>&lt;i&gt;pre&lt;/i&gt;</pre>');
  });
});

describe('Block Kit rendering', () => {
  it('renders the documented block types', () => {
    const out = render([
      { type: 'header', block_id: 'h', text: plain('Campaign') },
      { type: 'section', block_id: 's', text: { type: 'mrkdwn', text: '*Status* draft' }, fields: [{ type: 'mrkdwn', text: '*Sent* 3' }], accessory: { type: 'button', action_id: 'more', text: plain('More') } },
      { type: 'divider', block_id: 'd' },
      { type: 'context', block_id: 'c', elements: [{ type: 'mrkdwn', text: 'by <@U0ANN>' }, { type: 'image', image_url: 'https://x.example/i.png', alt_text: 'logo' }] },
      { type: 'image', block_id: 'i', image_url: 'https://x.example/chart.png', alt_text: 'chart' },
      { type: 'actions', block_id: 'a', elements: [
        { type: 'button', action_id: 'approve', style: 'primary', text: plain('Approve'), confirm: { title: plain('Sure?'), text: plain('It sends.'), confirm: plain('Yes'), deny: plain('No') } },
        { type: 'static_select', action_id: 'pick', placeholder: plain('Pick'), options: [option('1', 'One'), option('2', 'Two')], initial_option: option('2', 'Two') },
        { type: 'multi_static_select', action_id: 'many', options: [option('a'), option('b')] },
      ] },
    ]);
    expect(out).toContain('class="bk bk-header" data-block-id="h">Campaign</div>');
    expect(out).toContain('<b>Status</b> draft');
    expect(out).toContain('class="bk-fields"');
    expect(out).toContain('<hr>');
    expect(out).toContain('alt="chart"');
    expect(out).toMatch(/<button type="button" class="bk-button bk-primary" data-type="button" data-block-id="a" data-action-id="approve" data-dispatch="1" data-confirm-title="Sure\?"/);
    expect(out).toMatch(/<option value="2" selected>Two<\/option>/);
    expect(out).toMatch(/<select class="bk-select" data-type="multi_static_select"[^>]* multiple/);
  });

  it('renders input blocks with their element, hint, optional marker and an error slot', () => {
    const out = render([
      { type: 'input', block_id: 'name', label: plain('Name'), hint: plain('Shown to you only'), element: { type: 'plain_text_input', action_id: 'v', max_length: 80, initial_value: 'Spring' } },
      { type: 'input', block_id: 'when', optional: true, label: plain('Day'), element: { type: 'datepicker', action_id: 'v', initial_date: '2026-05-01' } },
      { type: 'input', block_id: 'at', label: plain('Time'), element: { type: 'timepicker', action_id: 'v' } },
      { type: 'input', block_id: 'lists', label: plain('Lists'), element: { type: 'checkboxes', action_id: 'v', options: [option('1', 'News')], initial_options: [option('1', 'News')] } },
      { type: 'input', block_id: 'who', label: plain('Who'), element: { type: 'users_select', action_id: 'v' } },
    ]);
    expect(out).toContain('<input class="bk-text" type="text" value="Spring" data-type="plain_text_input" data-block-id="name" data-action-id="v" maxlength="80"');
    expect(out).toContain('<div class="bk-hint">Shown to you only</div>');
    expect(out).toContain('data-error-for="name" hidden');
    expect(out).toContain('<span class="bk-optional">(optional)</span>');
    expect(out).toContain('type="date" data-type="datepicker" data-block-id="when" data-action-id="v" value="2026-05-01"');
    expect(out).toContain('type="time" data-type="timepicker"');
    expect(out).toContain('<input type="checkbox" name="lists/v" value="1" checked>');
    expect(out).toContain('<option value="U0ANN">Ann Admin</option>');
  });

  it('renders external selects as a search box over a select holding their initial options', () => {
    const out = render([
      { type: 'input', block_id: 'lists', label: plain('Lists'), element: { type: 'multi_external_select', action_id: 'pick', min_query_length: 0,
        placeholder: plain('Type to find lists'), initial_options: [option('3', 'List 003'), option('250', 'List 250')] } },
      { type: 'actions', block_id: 'act', elements: [{ type: 'external_select', action_id: 'one' }] },
    ]);
    expect(out).toContain('<input class="bk-text bk-search" type="search" autocomplete="off" placeholder="Type to find lists"');
    expect(out).toMatch(/<select class="bk-select" data-type="multi_external_select" data-block-id="lists" data-action-id="pick" multiple size="6" data-min-query-length="0"[^>]*><option value="3" selected>List 003<\/option><option value="250" selected>List 250<\/option><\/select>/);
    // Slack waits for 3 typed characters unless the app says otherwise
    expect(out).toMatch(/data-type="external_select" data-block-id="act" data-action-id="one" data-dispatch="1" data-min-query-length="3"[^>]*><option value="" selected>Select an item<\/option><\/select>/);
  });

  it('escapes every text the app sends, including values and option labels', () => {
    const out = render([
      { type: 'actions', block_id: 'x"><script>', elements: [{ type: 'static_select', action_id: 'p', options: [option('"><img src=x onerror=alert(1)>', '<b>bold</b>')] }] },
      { type: 'unknown_kind', block_id: 'u' },
    ]);
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img src=x');
    expect(out).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(out).toContain('[unknown_kind block is not shown in the sandbox]');
  });
});

describe('view state', () => {
  const blocks = [
    { type: 'input', block_id: 'name', label: plain('Name'), element: { type: 'plain_text_input', action_id: 'v', max_length: 5 } },
    { type: 'input', block_id: 'list', label: plain('List'), element: { type: 'static_select', action_id: 'v', options: [option('7', 'News')] } },
    { type: 'input', block_id: 'tags', optional: true, label: plain('Tags'), element: { type: 'multi_static_select', action_id: 'v', options: [option('a'), option('b')] } },
    { type: 'input', block_id: 'mail', optional: true, label: plain('Reply to'), element: { type: 'email_text_input', action_id: 'v' } },
    { type: 'actions', block_id: 'act', elements: [{ type: 'button', action_id: 'b', text: plain('B') }, { type: 'datepicker', action_id: 'd' }] },
  ];

  it("builds Slack's state.values from what the page sent, with option objects from the view", () => {
    const values = stateValues(blocks, { name: { v: { value: 'Ann' } }, list: { v: { value: '7' } }, tags: { v: { values: ['b', 'zzz'] } }, act: { d: { value: '2026-01-02' } } });
    expect(values).toEqual({
      name: { v: { type: 'plain_text_input', value: 'Ann' } },
      list: { v: { type: 'static_select', selected_option: option('7', 'News') } },
      tags: { v: { type: 'multi_static_select', selected_options: [option('b')] } },
      mail: { v: { type: 'email_text_input', value: null } },
      act: { d: { type: 'datepicker', selected_date: '2026-01-02' } },
    });
    expect(slackValue({ type: 'timepicker' }, { value: '' })).toEqual({ type: 'timepicker', selected_time: null });
  });

  it('gives external selects the initial options the app wrote and the loaded ones with the texts the page showed', () => {
    const element = { type: 'multi_external_select', action_id: 'v', initial_options: [{ ...option('3', 'List 003'), description: plain('kept as written') }] };
    expect(slackValue(element, { values: ['3', '250', 'unknown'], options: [{ value: '3', text: 'ignored' }, { value: '250', text: 'List 250' }] })).toEqual({
      type: 'multi_external_select',
      selected_options: [element.initial_options[0], { text: { type: 'plain_text', text: 'List 250', emoji: true }, value: '250' }],
    });
    expect(slackValue({ type: 'external_select', action_id: 'v' }, { value: '9', options: [{ value: '9', text: 'Nine' }] }))
      .toEqual({ type: 'external_select', selected_option: { text: { type: 'plain_text', text: 'Nine', emoji: true }, value: '9' } });
    expect(slackValue({ type: 'external_select', action_id: 'v' }, { value: '' })).toEqual({ type: 'external_select', selected_option: null });
  });

  it('finds what Slack itself refuses before submitting: required, too long, malformed email', () => {
    const values = stateValues(blocks, { name: { v: { value: 'Annabel' } }, mail: { v: { value: 'not-an-email' } } });
    expect(clientSideErrors(blocks, values)).toEqual({
      name: 'Please enter at most 5 characters.',
      list: 'Please complete this required field.',
      mail: 'Please enter a valid email address.',
    });
  });
});
