import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/accounts/actor.ts';
import { createCampaign, editCampaign } from '../../src/campaigns/drafts.ts';
import type { CampaignForm } from '../../src/campaigns/form.ts';
import {
  approveCampaign,
  holdOverdueSchedules,
  pauseCampaign,
  requestApproval,
  scheduleCampaign,
  sendCampaignNow,
} from '../../src/campaigns/workflow.ts';
import { transitionCampaign, type Campaign } from '../../src/db/campaigns.ts';
import { startSending, stopSending } from '../../src/delivery/transitions.ts';
import { AUTO_PAUSE_ACTOR } from '../../src/reports/auto-pause.ts';
import { setUpCampaignTeam, tomorrow, type CampaignTeam } from '../helpers/campaigns.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

/**
 * The App Home lists every campaign someone can act on, in the section of whoever can act:
 * campaigns in progress or stopped (with who may resume them), the member's own approval
 * requests, and approvals only the member may give (never of a campaign they wrote part of).
 */

let herald: TestHerald;
let team: CampaignTeam;

const as = (memberId: string, role: Actor['role']): Actor => ({ userId: team.userId, teamId: 'T1', memberId, role });
const author = () => as('UAUTHOR', 'editor');
const approver = () => as('UAPPROVER', 'approver');
const editor = () => as('UEDITOR', 'editor');

const form = (name: string, overrides: Partial<CampaignForm> = {}): CampaignForm => ({
  name, templateId: String(team.templateId), subject: '', body: '', fromName: 'Acme', fromEmail: 'news@acme.test',
  listIds: [String(team.listId)], tags: '', field: '', engagedDays: '', sendDate: tomorrow(), sendTime: '10:00',
  timezone: 'Europe/Berlin', ...overrides,
});

const requested = async (name: string): Promise<Campaign> =>
  (await requestApproval(herald.db.primary, author(), await createCampaign(herald.db.primary, author(), form(name)), { unsubscribeMailto: false })).campaign;

const approved = async (name: string): Promise<Campaign> => {
  const campaign = await requested(name);
  return (await approveCampaign(herald.db.primary, approver(), campaign.id, campaign.content_hash, '')).campaign;
};

const setSendTime = (campaign: Campaign, interval: string) =>
  herald.db.primary.query(sql.unsafe`
    UPDATE campaigns SET scheduled_at = now() + ${interval}::interval WHERE user_id = ${team.userId} AND id = ${campaign.id}`);

/** Approved, sent now and picked up by the dispatcher. */
const sending = async (name: string): Promise<Campaign> => {
  const campaign = await approved(name);
  await sendCampaignNow(herald.db.primary, author(), campaign.id);
  expect(await startSending(herald.db.primary, { userId: team.userId, campaignId: campaign.id })).toBe(true);
  return campaign;
};

/** The App Home `memberId` sees when they open it (published through the fake Web API, which checks it like Slack). */
async function homeOf(memberId: string): Promise<string> {
  await herald.event({ type: 'app_home_opened', user: memberId, channel: 'DHOME', tab: 'home', event_ts: '1700000000.1' });
  expect(herald.slack.rejections).toEqual([]);
  return JSON.stringify(herald.slack.homeViews.get(memberId));
}

/** The lines of one section of a home, by its title. */
function section(home: string, title: string): string {
  const start = home.indexOf(`*${title}*`);
  expect(start, `no section "${title}"`).toBeGreaterThanOrEqual(0);
  return home.slice(start, home.indexOf('"}', start));
}

beforeAll(async () => {
  herald = await startTestHerald();
  team = await setUpCampaignTeam(herald, [{ email: 'ann@example.org', first_name: 'Ann' }]);

  await requested('Mine to approve');
  // the approver rewrote the subject, then the author changed it again: the approver wrote part of it
  const coWritten = await createCampaign(herald.db.primary, author(), form('Co-written'));
  await editCampaign(herald.db.primary, approver(), coWritten.id, form('Co-written', { subject: 'The approver wrote this' }));
  const byAuthor = await editCampaign(herald.db.primary, author(), coWritten.id, form('Co-written', { subject: 'The author changed it' }));
  await requestApproval(herald.db.primary, author(), byAuthor.campaign, { unsubscribeMailto: false });

  await approved('Approved, waiting');
  const soon = await approved('Due in two hours');
  await scheduleCampaign(herald.db.primary, author(), soon.id);
  await setSendTime(soon, '2 hours');
  const later = await approved('Due in three days');
  await scheduleCampaign(herald.db.primary, author(), later.id);
  await setSendTime(later, '3 days');

  await sending('Going out');
  const autoPaused = await sending('Too many bounces');
  await transitionCampaign(herald.db.primary, team.userId, autoPaused.id, { actor: AUTO_PAUSE_ACTOR, action: 'auto_pause', from: ['sending'], to: 'paused' });
  const quotaPaused = await sending('Out of quota');
  await stopSending(herald.db.primary, { userId: team.userId, campaignId: quotaPaused.id }, 'paused', 'monthly quota used up');
  const paused = await approved('Paused by a colleague');
  await scheduleCampaign(herald.db.primary, author(), paused.id);
  await pauseCampaign(herald.db.primary, editor(), paused.id);
  const held = await approved('Held after an outage');
  await scheduleCampaign(herald.db.primary, author(), held.id);
  await setSendTime(held, '-3 hours');
  await holdOverdueSchedules(herald.db.primary, 60);
});
afterAll(() => herald?.close());

describe('App Home sections', () => {
  it('list campaigns in progress or stopped, with who can act on each', async () => {
    const attention = section(await homeOf('UAPPROVER'), 'In progress / needs attention');
    expect(attention).toContain('(7)');
    expect(attention).toContain('*Approved, waiting* — approved by <@UAPPROVER> for <!date^');
    expect(attention).toContain('— anyone can schedule it or send it now');
    expect(attention).toMatch(/\*Due in two hours\* — sends <!date\^\d+\^[^>]+> — anyone can pause or cancel it before then/);
    expect(attention).toContain('*Going out* — sending — anyone can pause or cancel it'); // its recipients not listed yet
    expect(attention).toContain('*Too many bounces* — paused by Herald for its bounces or complaints — you can resume it; anyone can cancel it');
    expect(attention).toContain('*Out of quota* — paused by Herald: monthly quota used up — anyone can resume it once that is resolved');
    expect(attention).toContain('*Paused by a colleague* — paused by <@UEDITOR> — anyone can resume or cancel it');
    expect(attention).toContain('*Held after an outage* — held: its send time passed while Herald was down');
    expect(attention).not.toContain('Due in three days');
    expect(section(await homeOf('UAPPROVER'), 'Scheduled later')).toContain('*Due in three days*');
  });

  it('tell members who cannot resume an auto-paused campaign who can', async () => {
    expect(section(await homeOf('UEDITOR'), 'In progress / needs attention'))
      .toContain('*Too many bounces* — paused by Herald for its bounces or complaints — only an approver or admin can resume it');
  });

  it('show members their own approval requests', async () => {
    const requests = section(await homeOf('UAUTHOR'), 'Your approval requests');
    expect(requests).toContain('(2)');
    expect(requests).toContain('*Mine to approve*');
    expect(requests).toContain('*Co-written*');
  });

  it('offer an approver only the approvals they may give: none of a campaign whose content they changed', async () => {
    const home = await homeOf('UAPPROVER');
    const approvals = section(home, 'Awaiting your approval');
    expect(approvals).toContain('*Mine to approve*');
    expect(approvals).not.toContain('Co-written');
    expect(section(home, 'Your approval requests')).toContain('*Co-written*');
    expect(section(await homeOf('UADMIN'), 'Awaiting your approval')).toContain('*Co-written*');
  });
});
