import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflightSummary } from '../../src/bot/views/campaign-preflight.ts';
import { computePreflight } from '../../src/campaigns/preflight.ts';
import { findCampaign } from '../../src/db/campaigns.ts';
import { AUTHOR, setUpCampaignTeam, type CampaignTeam } from '../helpers/campaigns.ts';
import { seedContacts, seedList, type ContactSeed } from '../helpers/delivery.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

/**
 * The pre-flight card's numbers, checked against counts the test works out from its own
 * contact data (not from the database): suppression, de-duplication across lists, the
 * segment, merge fields some recipients lack, and the quota.
 */

let herald: TestHerald;
let team: CampaignTeam;
let lists: { a: bigint; b: bigint };

const QUOTA = { limit: 40, used: 5 };
const LIST_A = (i: number) => i < 40;
const LIST_B = (i: number) => i >= 30;
const DELETED = 59;

function statusOf(i: number): NonNullable<ContactSeed['status']> {
  if (i % 10 === 1) return 'unsubscribed';
  if (i % 10 === 2) return 'bounced';
  if (i % 15 === 3) return 'complained';
  return 'subscribed';
}

const CONTACTS: ContactSeed[] = Array.from({ length: 60 }, (_, i) => ({
  email: `person${i}@example.org`,
  first_name: i % 4 === 0 ? null : `P${i}`,
  status: statusOf(i),
  custom_fields: { ...(i % 3 !== 0 ? { company: i % 7 === 0 ? '' : `Co ${i}` } : {}), ...(i % 5 === 0 ? { plan: 'pro' } : {}) },
  tags: i % 2 === 0 ? ['vip'] : [],
  deleted: i === DELETED,
}));

/** What the pre-flight should say, worked out from CONTACTS. */
function expected(inSegment: (c: ContactSeed) => boolean) {
  const onLists = CONTACTS.map((c, i) => ({ c, lists: Number(LIST_A(i)) + Number(LIST_B(i)) }))
    .filter(({ c, lists: n }) => n > 0 && !c.deleted && inSegment(c));
  const recipients = onLists.filter(({ c }) => c.status === 'subscribed').map(({ c }) => c);
  const suppressed = (status: string) => onLists.filter(({ c }) => c.status === status).length;
  const remaining = QUOTA.limit - QUOTA.used;
  return {
    recipients: recipients.length,
    duplicates: onLists.reduce((sum, { lists: n }) => sum + n, 0) - onLists.length,
    unsubscribed: suppressed('unsubscribed'),
    bounced: suppressed('bounced'),
    complained: suppressed('complained'),
    missingFirstName: recipients.filter((c) => !c.first_name).length,
    missingCompany: recipients.filter((c) => !c.custom_fields?.company).length,
    missingPlan: recipients.filter((c) => !c.custom_fields?.plan).length,
    remaining,
    shortBy: Math.max(0, recipients.length - remaining),
  };
}

beforeAll(async () => {
  herald = await startTestHerald();
  team = await setUpCampaignTeam(herald, []);
  const ids = await seedContacts(herald.db.primary, team.userId, CONTACTS);
  lists = { a: await seedList(herald.db.primary, team.userId, ids.filter((_, i) => LIST_A(i))),
    b: await seedList(herald.db.primary, team.userId, ids.filter((_, i) => LIST_B(i))) };
  await herald.db.primary.query(sql.unsafe`
    UPDATE users SET monthly_email_limit = ${QUOTA.limit}, monthly_emails_sent = ${QUOTA.used} WHERE id = ${team.userId}`);
});
afterAll(async () => {
  await herald?.close();
});

const BODY = 'Dear {{first_name}} from {{company}}, your plan is {{custom.plan}}.\n\nSee https://acme.test/a and https://acme.test/b';

async function preflightText(name: string, overrides: Record<string, unknown>): Promise<string> {
  await team.draft(name, AUTHOR, { lists: [String(lists.a), String(lists.b)], body: BODY, ...overrides });
  const check = await herald.command(`campaign check "${name}"`, AUTHOR);
  expect(check.text).toContain('Posted the pre-flight check');
  const replies = team.threadOf(await team.row(name)).replies;
  const card = replies.find((reply) => reply.includes('Pre-flight check:'));
  if (!card) throw new Error('no pre-flight card in the thread');
  return card;
}

describe('the pre-flight card', () => {
  it('counts recipients, duplicates, suppression, missing merge fields and quota like the test does', async () => {
    const want = expected(() => true);
    expect(want.recipients).toBeGreaterThan(want.remaining);
    const card = await preflightText('Everyone', {});
    expect(card).toContain(`*Recipients:* ${want.recipients} unique, subscribed contacts`);
    expect(card).toContain(`• ${want.duplicates} duplicate list entries removed`);
    expect(card).toContain(`${want.unsubscribed + want.bounced + want.complained} suppressed: ${want.unsubscribed} unsubscribed, ${want.bounced} bounced, ${want.complained} complained`);
    expect(card).toContain(`\`first_name\`: missing for ${want.missingFirstName} recipients`);
    expect(card).toContain(`\`company\`: missing for ${want.missingCompany} recipients`);
    expect(card).toContain(`\`custom.plan\`: missing for ${want.missingPlan} recipients`);
    expect(card).toContain(`*Quota:* ${want.recipients} of ${want.remaining} emails left this month (limit ${QUOTA.limit}, ${QUOTA.used} used)`);
    expect(card).toContain(`${want.shortBy} over the quota: ${want.remaining} would be sent, then the campaign pauses`);
    expect(card).toContain('*Links (2):*\n• https://acme.test/a\n• https://acme.test/b');
    expect(card).toContain('Unsubscribe link: not in the body; in the footer Herald adds to every email');
    expect(card).toContain('List-Unsubscribe and one-click (RFC 8058) headers');
    expect(card).toContain('No postal address');
  });

  it('applies the audience filter before counting', async () => {
    const want = expected((c) => c.tags?.includes('vip') === true);
    expect(want.shortBy).toBe(0);
    const card = await preflightText('VIPs only', { tags: 'VIP' });
    expect(card).toContain(`*Recipients:* ${want.recipients} unique, subscribed contacts`);
    expect(card).toContain(`• ${want.duplicates} duplicate list entries removed`);
    expect(card).toContain(`${want.unsubscribed} unsubscribed, ${want.bounced} bounced, ${want.complained} complained`);
    expect(card).toContain(`\`first_name\`: missing for ${want.missingFirstName} recipients`);
    expect(card).toContain(`→ ${want.remaining - want.recipients} left after sending`);
  });

  it('shows the postal address once the account has one', async () => {
    await herald.db.primary.query(sql.unsafe`
      UPDATE users SET settings = settings || '{"postal_address": "Acme Ltd\\n1 Main St"}'::jsonb WHERE id = ${team.userId}`);
    const card = await preflightText('With address', {});
    expect(card).toContain('Postal address in the footer: Acme Ltd, 1 Main St');
  });
});

describe('the pre-flight quota', () => {
  // anchored on the 31st: June's billing month starts on the 30th; May's count is 5 of 40
  const NOW = new Date('2025-06-20T12:00:00Z');
  const quotaFor = async (name: string, scheduledAt: string | null, now = NOW) => {
    const { id } = await team.draft(name, AUTHOR, { lists: [String(lists.a), String(lists.b)], body: BODY });
    await herald.db.primary.query(sql.unsafe`
      UPDATE campaigns SET scheduled_at = ${scheduledAt}::timestamptz WHERE user_id = ${team.userId} AND id = ${id}`);
    const campaign = (await findCampaign(herald.db.primary, team.userId, id))!;
    const preflight = await computePreflight(herald.db.primary, campaign, { unsubscribeMailto: false, now });
    return { ...preflight.quota, text: preflightSummary(preflight) };
  };

  it('is that of the billing month the send time falls in', async () => {
    const recipients = expected(() => true).recipients;
    await herald.db.primary.query(sql.unsafe`
      UPDATE users SET billing_anchor = '2025-01-31', quota_period_start = '2025-05-31' WHERE id = ${team.userId}`);
    try {
      expect(await quotaFor('Last day of May’s month', '2025-06-29T23:59:00Z'))
        .toMatchObject({ used: QUOTA.used, remaining: QUOTA.limit - QUOTA.used, laterPeriodStart: null });
      const next = await quotaFor('First day of June’s month', '2025-06-30T00:00:00Z');
      expect(next).toMatchObject({ used: 0, remaining: QUOTA.limit, laterPeriodStart: '2025-06-30' });
      expect(next.text).toContain(
        `*Quota:* ${recipients} of ${QUOTA.limit} emails left in the billing month from 2025-06-30, when it is scheduled (limit ${QUOTA.limit}, 0 used)`);
      // sent now, after June's month began and before the quota job started it
      expect(await quotaFor('Send now in June’s month', null, new Date('2025-06-30T00:02:00Z')))
        .toMatchObject({ used: 0, remaining: QUOTA.limit, laterPeriodStart: null });
    } finally {
      await herald.db.primary.query(sql.unsafe`
        UPDATE users SET billing_anchor = (now() AT TIME ZONE 'UTC')::date, quota_period_start = (now() AT TIME ZONE 'UTC')::date
         WHERE id = ${team.userId}`);
    }
  });
});
