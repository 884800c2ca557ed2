import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ensurePartitions } from '../../src/db/partitions.ts';
import { rollPartitions, type RollerDeps } from '../../src/jobs/partitions.ts';
import { recordEvents } from '../helpers/campaign-events.ts';
import { addRecipients, createCampaign, createContacts } from '../helpers/fixtures.ts';
import { twiceQueuedBehind } from '../helpers/lock-queue.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
let userId: string;
let deps: RollerDeps;

function monthsFromNow(months: number, day = 15): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, day, 12));
}
const partitionName = (d: Date) => `email_events_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

const attached = () =>
  herald.db.primary.anyFirst(sql.type(z.object({ name: z.string() }))`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'email_events'::regclass ORDER BY 1`);

async function campaignWithRecipients(count: number) {
  const contacts = await createContacts(herald.db.primary, userId, count);
  const campaignId = await createCampaign(herald.db.primary, userId);
  await addRecipients(herald.db.primary, userId, campaignId, contacts);
  return { campaignId, contacts };
}

/** Posts in the admin channel after `/herald admin-channel` announced it there. */
const adminPosts = () => herald.slack.messages.filter((m) => m.channel === 'CADMIN').slice(1);

beforeAll(async () => {
  herald = await startTestHerald();
  await herald.command('admin-channel', { channel: 'CADMIN' });
  userId = await herald.db.primary.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'T1'`);
  deps = { db: herald.db.primary, notifier: herald.notifier, log: herald.services.log, retentionMonths: 13 };
});
afterAll(() => herald.close());

describe('partition roller job', () => {
  it('is idempotent: a second roll creates and drops nothing and alerts nobody', async () => {
    await rollPartitions(deps);
    const before = await attached();
    const again = await rollPartitions(deps);
    expect(again).toMatchObject({ created: 0, dropped: [], missing: [], defaultRows: 0n, problems: [] });
    expect(await attached()).toEqual(before);
    for (const ahead of [0, 1, 2]) expect(before).toContain(partitionName(monthsFromNow(ahead)));
    expect(adminPosts()).toHaveLength(0);
  });

  it('moves an event waiting in the default partition into its month, counted once', async () => {
    const { campaignId, contacts } = await campaignWithRecipients(1);
    const later = monthsFromNow(6);
    await recordEvents(herald.db.primary, userId, campaignId, [{ contactId: contacts[0]!, type: 'sent', at: later }]);
    const where = () =>
      herald.db.primary.anyFirst(sql.type(z.object({ part: z.string() }))`
        SELECT tableoid::regclass::text AS part FROM email_events WHERE campaign_id = ${campaignId}`);
    expect(await where()).toEqual(['email_events_default']);

    const rolled = await rollPartitions(deps);
    expect(rolled.created).toBe(1);
    expect(await where()).toEqual([partitionName(later)]);
    const sent = await herald.db.primary.oneFirst(sql.type(z.object({ emails_sent: z.number() }))`
      SELECT emails_sent FROM campaigns WHERE user_id = ${userId} AND id = ${campaignId}`);
    expect(sent).toBe(1);
    expect(rolled.problems).toEqual([]);
  });

  it('drops only the partitions wholly older than the retention', async () => {
    const { campaignId, contacts } = await campaignWithRecipients(1);
    const months = [-16, -15, -14, -13, -12];
    await recordEvents(
      herald.db.primary,
      userId,
      campaignId,
      months.map((m) => ({ contactId: contacts[0]!, type: 'delivered' as const, at: monthsFromNow(m, 1) })),
    );
    // the first roll moves them into their months; with 13 months kept, -14 and older go
    const rolled = await rollPartitions(deps);
    expect([...rolled.dropped].sort()).toEqual([-16, -15, -14].map((m) => partitionName(monthsFromNow(m))).sort());
    const now = await attached();
    for (const m of [-16, -15, -14]) expect(now).not.toContain(partitionName(monthsFromNow(m)));
    for (const m of [-13, -12]) expect(now).toContain(partitionName(monthsFromNow(m)));
    expect((await rollPartitions(deps)).dropped).toEqual([]);
    const delivered = await herald.db.primary.oneFirst(sql.type(z.object({ emails_delivered: z.number() }))`
      SELECT emails_delivered FROM campaigns WHERE user_id = ${userId} AND id = ${campaignId}`);
    expect(delivered).toBe(1); // counters outlive the events they were computed from
  });

  it('two workers rolling at the same moment both succeed and alert nobody', async () => {
    const { campaignId, contacts } = await campaignWithRecipients(1);
    const expired = [-20, -19].map((m) => monthsFromNow(m));
    await recordEvents(herald.db.primary, userId, campaignId, expired.map((at) => ({ contactId: contacts[0]!, type: 'delivered' as const, at })));
    await ensurePartitions(herald.db.primary); // months a roll has to drop, as after a month's turn
    // detaching a month locks email_events: both rolls queue up behind this lock
    const rolls = await twiceQueuedBehind(herald.db.primary, sql.unsafe`LOCK TABLE email_events IN ACCESS SHARE MODE`, () => rollPartitions(deps));
    expect(rolls.map((roll) => roll.problems)).toEqual([[], []]);
    expect(rolls.flatMap((roll) => roll.dropped).sort()).toEqual(expired.map(partitionName).sort());
    expect(adminPosts()).toHaveLength(0);
  });

  it('alerts the admin channel when a future month has no partition and events wait in the default one', async () => {
    const twoAhead = partitionName(monthsFromNow(2));
    await herald.db.primary.query(sql.unsafe`ALTER TABLE email_events DETACH PARTITION ${sql.identifier([twoAhead])}`);
    const { campaignId, contacts } = await campaignWithRecipients(1);
    await recordEvents(herald.db.primary, userId, campaignId, [{ contactId: contacts[0]!, type: 'sent', at: monthsFromNow(2) }]);

    const rolled = await rollPartitions(deps);
    expect(rolled.missing).toEqual([twoAhead]);
    expect(rolled.defaultRows).toBe(1n);
    const [alert] = adminPosts();
    expect(alert?.text).toContain(`No partition for ${twoAhead}`);
    expect(alert?.text).toContain('The default partition holds events');
  });
});
