import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dropExpiredPartitions, ensurePartitions, partitionState } from '../../src/db/partitions.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { addRecipients, createAccount, createCampaign, createContacts } from '../helpers/fixtures.ts';
import { twiceQueuedBehind } from '../helpers/lock-queue.ts';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

function monthsFromNow(months: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, 15, 12));
}
const partitionName = (d: Date) => `email_events_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

const whereIs = (id: bigint) =>
  db.primary.oneFirst(sql.type(z.object({ part: z.string() }))`
    SELECT tableoid::regclass::text AS part FROM email_events WHERE id = ${id}`);

describe('monthly partitions', () => {
  it('creates nothing new when run a second time', async () => {
    await ensurePartitions(db.primary);
    expect(await ensurePartitions(db.primary)).toBe(0);
    const { months } = await partitionState(db.primary);
    for (const ahead of [0, 1, 2]) expect(months).toContain(partitionName(monthsFromNow(ahead)));
  });

  it('stores far-future and far-past events, counts them once, and moves them into their month', async () => {
    const userId = await createAccount(db.primary);
    const contacts = await createContacts(db.primary, userId, 2);
    const campaignId = await createCampaign(db.primary, userId);
    await addRecipients(db.primary, userId, campaignId, contacts);
    const future = monthsFromNow(14);
    const past = monthsFromNow(-36);
    const ids = await db.primary.anyFirst(sql.type(z.object({ id: z.bigint() }))`
      INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, created_at)
      VALUES (${userId}, ${campaignId}, ${contacts[0]!}, 'sent', ${future.toISOString()}),
             (${userId}, ${campaignId}, ${contacts[1]!}, 'sent', ${past.toISOString()})
      RETURNING id`);
    expect(await whereIs(ids[0]!)).toBe('email_events_default');
    expect(await whereIs(ids[1]!)).toBe('email_events_default');

    expect(await ensurePartitions(db.primary)).toBe(2);
    expect(await whereIs(ids[0]!)).toBe(partitionName(future));
    expect(await whereIs(ids[1]!)).toBe(partitionName(past));
    expect((await partitionState(db.primary)).defaultRows).toBe(0n);

    const sent = await db.primary.oneFirst(sql.type(z.object({ emails_sent: z.number() }))`
      SELECT emails_sent FROM campaigns WHERE user_id = ${userId} AND id = ${campaignId}`);
    expect(sent).toBe(2);
    const stored = await db.primary.oneFirst(sql.type(z.object({ n: z.bigint() }))`
      SELECT count(*) AS n FROM email_events WHERE campaign_id = ${campaignId}`);
    expect(stored).toBe(2n);
  });

  it('drops only partitions wholly older than the retention', async () => {
    const userId = await createAccount(db.primary);
    const [contact] = await createContacts(db.primary, userId, 1);
    const campaignId = await createCampaign(db.primary, userId);
    await addRecipients(db.primary, userId, campaignId, [contact!]);
    for (const ago of [-14, -13, -12]) {
      await db.primary.query(sql.unsafe`
        INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, created_at)
        VALUES (${userId}, ${campaignId}, ${contact!}, 'delivered', ${monthsFromNow(ago).toISOString()})`);
    }
    await ensurePartitions(db.primary);
    const dropped = await dropExpiredPartitions(db.primary, 13);
    expect(dropped).toContain(partitionName(monthsFromNow(-14)));
    expect(dropped).not.toContain(partitionName(monthsFromNow(-13)));
    const { months } = await partitionState(db.primary);
    expect(months).not.toContain(partitionName(monthsFromNow(-14)));
    expect(months).toContain(partitionName(monthsFromNow(-13)));
    expect(months).toContain(partitionName(monthsFromNow(-12)));
    expect(await dropExpiredPartitions(db.primary, 13)).toEqual([]);
  });

  it('two processes creating the same month at once both succeed, and it is created once', async () => {
    await ensurePartitions(db.primary);
    // as on the 1st of a month: the month two ahead does not exist yet
    const twoAhead = partitionName(monthsFromNow(2));
    await db.primary.query(sql.unsafe`ALTER TABLE email_events DETACH PARTITION ${sql.identifier([twoAhead])}`);
    await db.primary.query(sql.unsafe`DROP TABLE ${sql.identifier([twoAhead])}`);
    // Plain connections: Slonik retries a statement that lost a deadlock, which hides most
    // collisions (after a second each) but not all. Creating a month locks the default
    // partition, so both rolls queue up behind this lock.
    const created = await twiceQueuedBehind(db.primary, sql.unsafe`LOCK TABLE email_events_default IN SHARE ROW EXCLUSIVE MODE`, async () => {
      const { rows } = await db.copy.query<{ created: number }>('SELECT ensure_email_event_partitions(2) AS created');
      return rows[0]!.created;
    });
    expect([...created].sort()).toEqual([0, 1]);
    expect((await partitionState(db.primary)).months).toContain(twoAhead);
  });

  it('two processes dropping expired months at once both succeed, and each month is dropped once', async () => {
    const userId = await createAccount(db.primary);
    const [contact] = await createContacts(db.primary, userId, 1);
    const campaignId = await createCampaign(db.primary, userId);
    await addRecipients(db.primary, userId, campaignId, [contact!]);
    const expired = [-20, -19].map((ago) => monthsFromNow(ago));
    for (const month of expired) {
      await db.primary.query(sql.unsafe`
        INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, created_at)
        VALUES (${userId}, ${campaignId}, ${contact!}, 'delivered', ${month.toISOString()})`);
    }
    await ensurePartitions(db.primary);
    // detaching a month locks email_events: both rolls queue up behind this lock
    const dropped = await twiceQueuedBehind(db.primary, sql.unsafe`LOCK TABLE email_events IN ACCESS SHARE MODE`, () =>
      dropExpiredPartitions(db.primary, 13));
    expect(dropped.flat().sort()).toEqual(expired.map(partitionName).sort());
    const { months } = await partitionState(db.primary);
    for (const month of expired) expect(months).not.toContain(partitionName(month));
  });
});
