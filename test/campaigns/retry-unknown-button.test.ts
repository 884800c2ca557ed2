import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RETRY_UNKNOWN_ACTION } from '../../src/bot/views/delivery-report.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';
import { ADMIN, EDITOR } from '../helpers/campaigns.ts';

let herald: TestHerald;
let userId: string;
let campaignId: bigint;

const statuses = () =>
  herald.db.primary.anyFirst(sql.type(z.object({ status: z.string() }))`
    SELECT status FROM campaign_recipients WHERE user_id = ${userId} AND campaign_id = ${campaignId} ORDER BY contact_id`);

beforeAll(async () => {
  herald = await startTestHerald();
  await herald.command('members', ADMIN);
  await herald.command('members', EDITOR);
  const db = herald.db.primary;
  userId = await db.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'T1'`);
  // a finished campaign, with its card in the channel, whose second recipient's outcome is unknown
  campaignId = await db.oneFirst(sql.type(z.object({ id: z.bigint() }))`
    INSERT INTO campaigns (user_id, name, subject, html_content, status, sent_at, slack_channel_id, slack_message_ts)
    VALUES (${userId}, 'Retry me', 'Hello', '<p>Hi</p>', 'sent', now(), 'CMARKETING', '1699999999.000001') RETURNING id`);
  await db.query(sql.unsafe`
    WITH c AS (INSERT INTO contacts (user_id, email) VALUES (${userId}, 'a@example.org'), (${userId}, 'b@example.org') RETURNING id, email)
    INSERT INTO campaign_recipients (user_id, campaign_id, contact_id, email, status)
    SELECT ${userId}, ${campaignId}, id, email, CASE WHEN email = 'a@example.org' THEN 'sent' ELSE 'unknown' END FROM c`);
});
afterAll(() => herald.close());

describe('the "Retry unknown" button of the delivery report', () => {
  it('is refused to an editor, and changes nothing', async () => {
    const clicked = await herald.action(RETRY_UNKNOWN_ACTION, { ...EDITOR, value: String(campaignId) });
    expect(clicked.text).toContain('Only approvers and admins can retry recipients whose outcome is unknown');
    expect(await statuses()).toEqual(['sent', 'unknown']);
  });

  it('queues the unknown recipients again for an admin, reopens the campaign and says so in the thread', async () => {
    const clicked = await herald.action(RETRY_UNKNOWN_ACTION, { ...ADMIN, value: String(campaignId) });
    expect(await statuses()).toEqual(['sent', 'pending']);
    const status = await herald.db.primary.oneFirst(sql.type(z.object({ status: z.string() }))`
      SELECT status FROM campaigns WHERE user_id = ${userId} AND id = ${campaignId}`);
    expect(status).toBe('sending');
    expect(herald.slack.thread('CMARKETING', '1699999999.000001').map((m) => m.text).join('\n'))
      .toContain('1 recipient whose outcome was unknown will be sent again');
    expect(clicked.calls.some((c) => c.method === 'chat.update')).toBe(true);
  });

  it('queues nothing on a campaign cancelled since, and says why', async () => {
    const db = herald.db.primary;
    const cancelled = await db.oneFirst(sql.type(z.object({ id: z.bigint() }))`
      INSERT INTO campaigns (user_id, name, subject, html_content, status, slack_channel_id, slack_message_ts)
      VALUES (${userId}, 'Cancelled since', 'Hello', '<p>Hi</p>', 'cancelled', 'CMARKETING', '1699999999.000002') RETURNING id`);
    await db.query(sql.unsafe`
      INSERT INTO campaign_recipients (user_id, campaign_id, contact_id, email, status)
      SELECT user_id, ${cancelled}, id, email, 'unknown' FROM contacts WHERE user_id = ${userId} AND email = 'a@example.org'`);

    const clicked = await herald.action(RETRY_UNKNOWN_ACTION, { ...ADMIN, value: String(cancelled) });
    expect(clicked.text).toContain('This campaign is cancelled');
    expect(clicked.text).toContain('Nothing was changed.');
    const after = await db.one(sql.type(z.object({ campaign: z.string(), recipient: z.string() }))`
      SELECT c.status AS campaign, r.status AS recipient FROM campaigns c
        JOIN campaign_recipients r ON r.user_id = c.user_id AND r.campaign_id = c.id
       WHERE c.user_id = ${userId} AND c.id = ${cancelled}`);
    expect(after).toEqual({ campaign: 'cancelled', recipient: 'unknown' });
    expect(herald.slack.thread('CMARKETING', '1699999999.000002').map((m) => m.text).join('\n')).not.toContain('will be sent again');
  });

  it('says there is nothing to retry when no outcome is unknown any more', async () => {
    const clicked = await herald.action(RETRY_UNKNOWN_ACTION, { ...ADMIN, value: String(campaignId) });
    expect(clicked.text).toContain('nothing to retry');
  });
});
