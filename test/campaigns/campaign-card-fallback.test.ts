import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMPAIGN_ACTIONS } from '../../src/bot/views/campaign-ids.ts';
import { AUTHOR, setUpCampaignTeam, type CampaignTeam } from '../helpers/campaigns.ts';
import { startTestHerald, textOf, type TestHerald } from '../helpers/herald-app.ts';

/**
 * Every new draft gets its status card, wherever `/herald campaign new` was typed: in a channel
 * Herald may post in, there; in a private channel or a DM between colleagues Herald is not in,
 * in the author's DM. And once the draft is saved, no error says "nothing was changed".
 */

let herald: TestHerald;
let team: CampaignTeam;
beforeAll(async () => {
  herald = await startTestHerald();
  team = await setUpCampaignTeam(herald, [{ email: 'ann@example.com', first_name: 'Ann' }]);
  herald.slack.notMemberOf('CSECRET', 'private');
  herald.slack.notMemberOf('DCOLLEAGUES', 'private');
  herald.slack.notMemberOf('CLAUNCH', 'public');
});
afterAll(async () => {
  await herald.close();
});

const buttonsOf = (blocks: ReadonlyArray<{ elements?: Array<{ action_id?: string }> }> = []) =>
  blocks.flatMap((b) => b.elements ?? []).map((e) => e.action_id);

describe('a new draft where Herald is not in the conversation', () => {
  it('in a private channel: the draft is saved once, its card and thread go to the author by DM', async () => {
    const opened = await herald.command('campaign new', { ...AUTHOR, channel: 'CSECRET' });
    const saved = await herald.submitView(opened.view, team.formValues('Secret launch'), { ...AUTHOR, channel: 'CSECRET' });
    expect(saved.body).toBe('');
    expect(saved.text).not.toContain('nothing was changed');

    const campaign = await team.row('Secret launch');
    expect(campaign).toMatchObject({ status: 'draft', slack_channel_id: 'UAUTHOR' });
    const [card, ...replies] = herald.slack.thread('UAUTHOR', campaign.slack_message_ts ?? '');
    expect(textOf(card?.blocks)).toContain('Secret launch');
    expect(textOf(card?.blocks)).toContain("because I can't post in <#CSECRET>");
    expect(buttonsOf(card?.blocks)).toContain(CAMPAIGN_ACTIONS.requestApproval);
    expect(replies.map((m) => textOf(m.blocks))).toEqual([expect.stringContaining('<@UAUTHOR> drafted *Secret launch*')]);
  });

  it('in a DM between colleagues: the card goes to the author by DM', async () => {
    const opened = await herald.command('campaign new', { ...AUTHOR, channel: 'DCOLLEAGUES' });
    await herald.submitView(opened.view, team.formValues('Between us'), { ...AUTHOR, channel: 'DCOLLEAGUES' });
    const campaign = await team.row('Between us');
    expect(campaign.slack_channel_id).toBe('UAUTHOR');
    expect(team.threadOf(campaign).card).toContain("because I can't post in that direct message");
  });

  it('in a public channel Herald was not invited to: it joins and posts the card there', async () => {
    const opened = await herald.command('campaign new', { ...AUTHOR, channel: 'CLAUNCH' });
    const saved = await herald.submitView(opened.view, team.formValues('Public launch'), { ...AUTHOR, channel: 'CLAUNCH' });
    expect(saved.calls.filter((c) => c.method === 'conversations.join').map((c) => c.args.channel)).toEqual(['CLAUNCH']);
    const campaign = await team.row('Public launch');
    expect(campaign.slack_channel_id).toBe('CLAUNCH');
    expect(team.threadOf(campaign).card).not.toContain("can't post");
  });
});

describe('an error after the draft was saved', () => {
  it('says the draft is saved, never that nothing was changed', async () => {
    const opened = await herald.command('campaign new', AUTHOR);
    herald.slack.failNext('chat.postMessage', 'fatal_error'); // the card's post
    const saved = await herald.submitView(opened.view, team.formValues('Unlucky'), AUTHOR);
    expect(saved.body).toBe('');
    expect((await team.row('Unlucky')).status).toBe('draft');
    expect(saved.text).toContain('Saved the draft *Unlucky*; `/herald campaigns` lists it. Something went wrong on our side after that');
    expect(saved.text).not.toContain('nothing was changed');
  });
});
