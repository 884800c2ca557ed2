import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RESEND_NON_OPENERS_ACTION, STATS_ACTION } from '../../src/bot/views/stats.ts';
import { markSent, recordEvents } from '../helpers/campaign-events.ts';
import { addRecipients, createCampaign, createContacts } from '../helpers/fixtures.ts';
import { startTestHerald, textOf, type TestHerald } from '../helpers/herald-app.ts';

/**
 * Who counts as a non-opener is one definition: the number the member is shown before the
 * resend is drafted is the number of people its list gets, and a click counts as reading.
 */

let herald: TestHerald;
let userId: string;
let campaignId: bigint;
let reader: { opened: bigint; clickedOnly: bigint; silent: bigint; bounced: bigint; unsubscribed: bigint; unsubscribedElsewhere: bigint };

beforeAll(async () => {
  herald = await startTestHerald();
  await herald.command('help');
  userId = await herald.db.primary.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'T1'`);
  const [opened, clickedOnly, silent, bounced, unsubscribed, unsubscribedElsewhere] = (await createContacts(herald.db.primary, userId, 6)) as [
    bigint, bigint, bigint, bigint, bigint, bigint,
  ];
  reader = { opened, clickedOnly, silent, bounced, unsubscribed, unsubscribedElsewhere };
  campaignId = await createCampaign(herald.db.primary, userId, 'Newsletter 12');
  await herald.db.primary.query(sql.unsafe`
    UPDATE campaigns SET from_email = 'news@example.com', html_content = '<p>Read on</p>' WHERE user_id = ${userId} AND id = ${campaignId}`);
  await addRecipients(herald.db.primary, userId, campaignId, Object.values(reader));
  await recordEvents(herald.db.primary, userId, campaignId, [
    ...Object.values(reader).map((contactId) => ({ contactId, type: 'delivered' as const })),
    { contactId: opened, type: 'opened' },
    { contactId: clickedOnly, type: 'clicked', linkUrl: 'https://example.com/read' }, // images blocked: a click, no open
    { contactId: bounced, type: 'bounced', bounceType: 'soft' },
    { contactId: unsubscribed, type: 'unsubscribed' },
  ]);
  // unsubscribed through another campaign: still a recipient of this one, but no longer emailed
  await herald.db.primary.query(sql.unsafe`
    UPDATE contacts SET status = 'unsubscribed' WHERE user_id = ${userId} AND id = ${unsubscribedElsewhere}`);
  await markSent(herald.db.primary, userId, campaignId, new Date(Date.now() - 86_400_000));
});
afterAll(() => herald.close());

describe('non-openers of a sent campaign', () => {
  it('are the people who neither opened nor clicked and can still be emailed: the modal’s count is the list the resend gets', async () => {
    const stats = await herald.action(STATS_ACTION, { value: String(campaignId), channel: 'CCAMP', message: { ts: '1700000700.000100', text: '' } });
    expect(stats.text).toContain('Resend to non-openers…');

    const opened = await herald.action(RESEND_NON_OPENERS_ACTION, { value: String(campaignId), channel: 'CCAMP' });
    expect(textOf(opened.view)).toContain('for the 1 person it reached who have neither opened it nor clicked in it and can still be emailed');

    const done = await herald.submitView(opened.view, { after_days: '3' });
    expect(done.text).toContain('for 1 non-openers');
    const audience = await herald.db.primary.anyFirst(sql.type(z.object({ contact_id: z.bigint() }))`
      SELECT lc.contact_id FROM campaigns c
        JOIN campaign_lists cl ON cl.user_id = c.user_id AND cl.campaign_id = c.id
        JOIN list_contacts lc ON lc.user_id = cl.user_id AND lc.list_id = cl.list_id
       WHERE c.user_id = ${userId} AND c.name = 'Newsletter 12 – non-openers'`);
    expect(audience).toEqual([reader.silent]);
  });
});
