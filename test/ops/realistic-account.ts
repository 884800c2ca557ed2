import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { addRecipients, addToList, createAccount, createCampaign, createContacts, createList } from '../helpers/fixtures.ts';

const Id = z.object({ id: z.bigint() });

/** The first instant of the UTC month `offset` months from now (-1: last month). */
function monthStart(offset: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

async function insertEvents(
  pool: DatabasePool,
  account: { userId: string; campaignId: bigint },
  contactIds: readonly bigint[],
  event: { type: string; at: Date; bounceType?: string; linkUrl?: string },
) {
  await pool.query(sql.unsafe`
    INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, bounce_type, link_url, created_at)
    SELECT ${account.userId}, ${account.campaignId}, c, ${event.type}, ${event.bounceType ?? null},
           ${event.linkUrl ?? null}, ${event.at.toISOString()}
      FROM unnest(${sql.array(contactIds.map(String), 'int8')}::int8[]) AS c`);
}

async function recordCampaignHistory(pool: DatabasePool, userId: string, campaignId: bigint) {
  const steps = ['draft', 'pending_approval', 'approved', 'scheduled', 'sending', 'sent'];
  for (const [index, to] of steps.slice(1).entries()) {
    await pool.query(sql.unsafe`
      INSERT INTO audit_log (user_id, actor, action, entity_type, entity_id, from_status, to_status)
      VALUES (${userId}, 'U0EDITOR', 'campaign.transition', 'campaign', ${campaignId}, ${steps[index]!}, ${to})`);
  }
}

/**
 * One account as it looks after a real send: a Slack workspace with members, two lists of
 * contacts, a template, a sent campaign whose events span last month's and this month's
 * partitions, suppressed (unsubscribed and bounced) contacts, an import, a digest
 * subscription and the campaign's audit trail.
 */
export async function buildRealisticAccount(pool: DatabasePool) {
  const userId = await createAccount(pool);
  const teamId = `T${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
  await pool.query(sql.unsafe`
    INSERT INTO slack_workspaces (team_id, user_id, team_name, installed_by) VALUES (${teamId}, ${userId}, 'Drill', 'U0ADMIN')`);
  await pool.query(sql.unsafe`
    INSERT INTO members (user_id, slack_user_id, role) VALUES (${userId}, 'U0ADMIN', 'admin'), (${userId}, 'U0EDITOR', 'editor')`);

  const newsletter = await createList(pool, userId, 'Newsletter');
  const customers = await createList(pool, userId, 'Customers');
  const contacts = await createContacts(pool, userId, 40, 'drill');
  await addToList(pool, userId, newsletter, contacts.slice(0, 30));
  await addToList(pool, userId, customers, contacts.slice(20));
  await pool.query(sql.unsafe`
    INSERT INTO imports (user_id, list_id, status, filename, created_by, total_rows, new_count, finished_at)
    VALUES (${userId}, ${customers}, 'completed', 'customers.csv', 'U0EDITOR', 20, 20, now())`);

  const templateId = await pool.oneFirst(sql.type(Id)`
    INSERT INTO templates (user_id, name, subject, html_content) VALUES (${userId}, 'Monthly', 'News', '<p>Hi {{first_name}}</p>')
    RETURNING id`);
  const campaignId = await createCampaign(pool, userId, 'October news');
  await pool.query(sql.unsafe`
    INSERT INTO campaign_lists (user_id, campaign_id, list_id) VALUES (${userId}, ${campaignId}, ${newsletter}), (${userId}, ${campaignId}, ${customers})`);
  await addRecipients(pool, userId, campaignId, contacts);
  await pool.query(sql.unsafe`
    INSERT INTO campaign_links (user_id, campaign_id, url, link_text) VALUES (${userId}, ${campaignId}, 'https://example.com/offer', 'Offer')`);

  // events of last month and of this month land in two different monthly partitions
  await pool.query(sql.unsafe`SELECT create_email_event_partition(${monthStart(-1).toISOString().slice(0, 10)}::date)`);
  const sentAt = new Date(monthStart(-1).getTime() + 27 * 86_400_000);
  const thisMonth = monthStart(0);
  const account = { userId, campaignId };
  await pool.query(sql.unsafe`
    UPDATE campaign_recipients SET status = 'sent', sent_at = ${sentAt.toISOString()}
     WHERE user_id = ${userId} AND campaign_id = ${campaignId}`);
  await insertEvents(pool, account, contacts, { type: 'sent', at: sentAt });
  await insertEvents(pool, account, contacts.slice(0, 37), { type: 'delivered', at: sentAt });
  await insertEvents(pool, account, contacts.slice(37), { type: 'bounced', at: sentAt, bounceType: 'hard' });
  await insertEvents(pool, account, contacts.slice(0, 20), { type: 'opened', at: sentAt });
  await insertEvents(pool, account, contacts.slice(20, 25), { type: 'opened', at: thisMonth });
  await insertEvents(pool, account, contacts.slice(0, 8), { type: 'clicked', at: thisMonth, linkUrl: 'https://example.com/offer' });
  await insertEvents(pool, account, contacts.slice(30, 33), { type: 'unsubscribed', at: thisMonth });

  // suppression: who must never be mailed again
  await pool.query(sql.unsafe`
    UPDATE contacts SET status = CASE WHEN id = ANY(${sql.array(contacts.slice(37).map(String), 'int8')}::int8[]) THEN 'bounced' ELSE 'unsubscribed' END
     WHERE user_id = ${userId} AND id = ANY(${sql.array([...contacts.slice(30, 33), ...contacts.slice(37)].map(String), 'int8')}::int8[])`);
  await pool.query(sql.unsafe`
    UPDATE campaigns SET status = 'sent', sent_at = ${sentAt.toISOString()}, template_id = ${templateId}, recipients_total = 40
     WHERE user_id = ${userId} AND id = ${campaignId}`);
  await recordCampaignHistory(pool, userId, campaignId);
  await pool.query(sql.unsafe`
    INSERT INTO digest_subscriptions (user_id, channel_id, frequency, created_by, next_run_at)
    VALUES (${userId}, 'C0DIGEST', 'weekly', 'U0ADMIN', now() + interval '1 day')`);
  await pool.query(sql.unsafe`INSERT INTO processed_events (source, event_id) VALUES ('slack', ${`Ev${teamId}`})`);

  return { userId, campaignId, contacts, lastMonth: monthStart(-1), thisMonth };
}
