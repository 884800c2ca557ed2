import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sql, type DatabasePool } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MIGRATIONS_DIR, MIGRATIONS_TABLE, migrate } from '../../src/db/migrate.ts';
import { createDatabasePool } from '../../src/db/pool.ts';
import { freshDatabase, openTestDatabase } from '../helpers/db.ts';
import { addRecipients, createAccount, createCampaign, createContacts } from '../helpers/fixtures.ts';

type EventType = 'sent' | 'delivered' | 'opened' | 'clicked' | 'bounced' | 'unsubscribed' | 'complained';
type ScriptedEvent = { r: number; type: EventType; bounce?: 'hard' | 'soft'; machine?: boolean; minute: number };

// Eight recipients: repeated opens and clicks, an open with no delivery event, hard and soft
// bounces, a complaint, an unsubscribe, a machine (privacy-proxy) open, a delivery on
// acceptance that bounces later, and a bounce after an open.
const RECIPIENTS = 8;
const SCRIPT: ScriptedEvent[] = [
  ...Array.from({ length: RECIPIENTS }, (_, r) => ({ r, type: 'sent' as const, minute: 0 })),
  { r: 0, type: 'delivered', minute: 1 },
  { r: 0, type: 'opened', minute: 2 },
  { r: 0, type: 'opened', minute: 3 },
  { r: 0, type: 'opened', minute: 9 },
  { r: 0, type: 'clicked', minute: 4 },
  { r: 0, type: 'clicked', minute: 5 },
  { r: 1, type: 'opened', minute: 2 }, // no delivery event: implies delivery
  { r: 1, type: 'clicked', minute: 6 },
  { r: 2, type: 'bounced', bounce: 'hard', minute: 1 },
  { r: 3, type: 'bounced', bounce: 'soft', minute: 1 },
  { r: 3, type: 'bounced', bounce: 'soft', minute: 2 },
  { r: 4, type: 'delivered', minute: 1 },
  { r: 4, type: 'complained', minute: 3 },
  { r: 4, type: 'unsubscribed', minute: 4 },
  { r: 5, type: 'delivered', minute: 1 },
  { r: 5, type: 'opened', machine: true, minute: 1 },
  { r: 6, type: 'delivered', minute: 0 },
  { r: 6, type: 'bounced', bounce: 'hard', minute: 30 },
  { r: 7, type: 'delivered', minute: 0 },
  { r: 7, type: 'opened', minute: 5 },
  { r: 7, type: 'bounced', bounce: 'soft', minute: 30 },
];

/** The documented semantics, computed without the database. */
function expectedStats(events: ScriptedEvent[]) {
  const human = (e: ScriptedEvent) => !e.machine;
  const recipientsWith = (pred: (e: ScriptedEvent) => boolean) => new Set(events.filter(pred).map((e) => e.r)).size;
  const sent = events.filter((e) => e.type === 'sent').length;
  // delivered and not bounced; a human open or click proves delivery whatever is reported after
  const engaged = (e: ScriptedEvent) => (e.type === 'opened' || e.type === 'clicked') && human(e);
  const bouncedRecipients = new Set(events.filter((e) => e.type === 'bounced').map((e) => e.r));
  const delivered = recipientsWith((e) => engaged(e) || (e.type === 'delivered' && !bouncedRecipients.has(e.r)));
  const opened = recipientsWith((e) => e.type === 'opened' && human(e));
  const clicked = recipientsWith((e) => e.type === 'clicked' && human(e));
  const bounced = recipientsWith((e) => e.type === 'bounced');
  const rate = (n: number, d: number) => (d === 0 ? 0 : Math.round((n * 10000) / d) / 100);
  return {
    emails_sent: sent,
    emails_delivered: delivered,
    emails_opened: opened,
    emails_clicked: clicked,
    emails_bounced: bounced,
    emails_hard_bounced: recipientsWith((e) => e.type === 'bounced' && e.bounce === 'hard'),
    emails_unsubscribed: recipientsWith((e) => e.type === 'unsubscribed'),
    emails_complained: recipientsWith((e) => e.type === 'complained'),
    open_rate: rate(opened, delivered),
    click_rate: rate(clicked, delivered),
    bounce_rate: rate(bounced, sent),
  };
}

const Stats = z.object({
  emails_sent: z.number(), emails_delivered: z.number(), emails_opened: z.number(), emails_clicked: z.number(),
  emails_bounced: z.number(), emails_hard_bounced: z.number(), emails_unsubscribed: z.number(),
  emails_complained: z.number(), open_rate: z.number(), click_rate: z.number(), bounce_rate: z.number(),
});

let db: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

async function scenario() {
  const userId = await createAccount(db.primary);
  const contacts = await createContacts(db.primary, userId, RECIPIENTS);
  const campaignId = await createCampaign(db.primary, userId);
  await addRecipients(db.primary, userId, campaignId, contacts);
  const rows = SCRIPT.map((e) => ({
    user_id: userId,
    campaign_id: String(campaignId),
    contact_id: String(contacts[e.r]),
    event_type: e.type,
    bounce_type: e.bounce ?? null,
    metadata: JSON.stringify(e.machine ? { machine: true } : {}),
    created_at: new Date(Date.UTC(2026, 10, 2, 12, e.minute)).toISOString(),
  }));
  return { userId, campaignId, contacts, rows };
}

function stats(userId: string, campaignId: bigint, pool: DatabasePool = db.primary) {
  return pool.one(sql.type(Stats)`
    SELECT emails_sent, emails_delivered, emails_opened, emails_clicked, emails_bounced, emails_hard_bounced,
           emails_unsubscribed, emails_complained, open_rate, click_rate, bounce_rate
      FROM campaigns WHERE user_id = ${userId} AND id = ${campaignId}`);
}

type Row = Awaited<ReturnType<typeof scenario>>['rows'][number];
const insertValues = (rows: Row[]) =>
  sql.join(
    rows.map((r) => sql.fragment`(${r.user_id}, ${r.campaign_id}, ${r.contact_id}, ${r.event_type}, ${r.bounce_type},
      ${r.metadata}::jsonb, ${r.created_at}::timestamptz)`),
    sql.fragment`, `,
  );
const insertEvents = (rows: Row[]) => sql.unsafe`
  INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, bounce_type, metadata, created_at)
  VALUES ${insertValues(rows)}`;

describe('campaign stats triggers', () => {
  it('match the independently computed values when events arrive one row at a time', async () => {
    const { userId, campaignId, rows } = await scenario();
    for (const row of rows) await db.primary.query(insertEvents([row]));
    expect(await stats(userId, campaignId)).toEqual(expectedStats(SCRIPT));
  });

  it('match them when all events arrive in one multi-row INSERT', async () => {
    const { userId, campaignId, rows } = await scenario();
    await db.primary.query(insertEvents(rows));
    expect(await stats(userId, campaignId)).toEqual(expectedStats(SCRIPT));
  });

  it('match them when the events are loaded with COPY', async () => {
    const { userId, campaignId, rows } = await scenario();
    const client = await db.copy.connect();
    try {
      const lines = rows.map((r) =>
        [r.user_id, r.campaign_id, r.contact_id, r.event_type, r.bounce_type ?? '\\N', r.metadata, r.created_at].join('\t') + '\n');
      await pipeline(Readable.from(lines), client.query(copyFrom(
        'COPY email_events (user_id, campaign_id, contact_id, event_type, bounce_type, metadata, created_at) FROM STDIN')));
    } finally {
      client.release();
    }
    expect(await stats(userId, campaignId)).toEqual(expectedStats(SCRIPT));
  });

  it('are exact when the same stream is split across statements in any order', async () => {
    const { userId, campaignId, rows } = await scenario();
    const shuffled = [...rows].reverse();
    await db.primary.query(insertEvents(shuffled.slice(0, 7)));
    await db.primary.query(insertEvents(shuffled.slice(7)));
    expect(await stats(userId, campaignId)).toEqual(expectedStats(SCRIPT));
  });

  it('gives rates of 0, not NULL or an error, when nothing was sent or delivered', async () => {
    const userId = await createAccount(db.primary);
    const [contact] = await createContacts(db.primary, userId, 1);
    const campaignId = await createCampaign(db.primary, userId);
    await addRecipients(db.primary, userId, campaignId, [contact!]);
    expect(await stats(userId, campaignId)).toMatchObject({ open_rate: 0, click_rate: 0, bounce_rate: 0 });
    await db.primary.query(sql.unsafe`
      INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, bounce_type)
      VALUES (${userId}, ${campaignId}, ${contact!}, 'bounced', 'hard')`);
    expect(await stats(userId, campaignId)).toMatchObject({ emails_bounced: 1, open_rate: 0, click_rate: 0, bounce_rate: 0 });
  });

  it('take a recipient out of delivered, once, when a bounce follows its delivery on acceptance', async () => {
    const userId = await createAccount(db.primary);
    const contacts = await createContacts(db.primary, userId, 20);
    const campaignId = await createCampaign(db.primary, userId);
    await addRecipients(db.primary, userId, campaignId, contacts);
    const event = (r: number, type: EventType, minute: number, bounce?: 'hard' | 'soft'): Row => ({
      user_id: userId, campaign_id: String(campaignId), contact_id: String(contacts[r]), event_type: type,
      bounce_type: bounce ?? null, metadata: '{}', created_at: new Date(Date.UTC(2026, 10, 2, 12, minute)).toISOString(),
    });
    const all = contacts.map((_, r) => r);
    await db.primary.query(insertEvents(all.flatMap((r) => [event(r, 'sent', 0), event(r, 'delivered', 0)])));
    await db.primary.query(insertEvents([0, 1, 2, 3, 4].map((r) => event(r, 'opened', 5))));
    expect(await stats(userId, campaignId)).toMatchObject({ emails_delivered: 20, emails_opened: 5, open_rate: 25 });

    await db.primary.query(insertEvents([event(10, 'bounced', 30, 'hard'), event(11, 'bounced', 30, 'hard')]));
    // a second bounce of the same recipient, and a bounce of one who opened (the open proves delivery)
    await db.primary.query(insertEvents([event(10, 'bounced', 40, 'soft'), event(0, 'bounced', 40, 'soft')]));
    expect(await stats(userId, campaignId)).toMatchObject({
      emails_sent: 20, emails_delivered: 18, emails_opened: 5, emails_bounced: 3, emails_hard_bounced: 2,
      open_rate: 27.78, bounce_rate: 15,
    });
  });

  it('sets last_engaged_at from the latest human open or click', async () => {
    const { userId, contacts, rows } = await scenario();
    await db.primary.query(insertEvents(rows));
    const engaged = await db.primary.any(sql.type(z.object({ id: z.bigint(), last_engaged_at: z.date().nullable() }))`
      SELECT id, last_engaged_at FROM contacts WHERE user_id = ${userId} ORDER BY id`);
    const byId = new Map(engaged.map((c) => [c.id, c.last_engaged_at?.toISOString() ?? null]));
    expect(byId.get(contacts[0]!)).toBe(new Date(Date.UTC(2026, 10, 2, 12, 9)).toISOString());
    expect(byId.get(contacts[1]!)).toBe(new Date(Date.UTC(2026, 10, 2, 12, 6)).toISOString());
    expect(byId.get(contacts[5]!)).toBeNull(); // machine open only
  });

  it('moves last_engaged_at only for an engagement over an hour after the stored one', async () => {
    const { userId, campaignId, contacts, rows } = await scenario();
    const openAt = (hour: number, minute: number) =>
      ({ ...rows[0]!, contact_id: String(contacts[2]), event_type: 'opened' as const, bounce_type: null, metadata: '{}',
         created_at: new Date(Date.UTC(2026, 10, 2, hour, minute)).toISOString() });
    const lastEngaged = () => db.primary.oneFirst(sql.type(z.object({ last_engaged_at: z.date().nullable() }))`
      SELECT last_engaged_at FROM contacts WHERE user_id = ${userId} AND id = ${contacts[2]!}`);
    await db.primary.query(insertEvents([openAt(12, 0)]));
    expect(await lastEngaged()).toEqual(new Date(Date.UTC(2026, 10, 2, 12, 0)));
    await db.primary.query(insertEvents([openAt(12, 40)]));
    expect(await lastEngaged()).toEqual(new Date(Date.UTC(2026, 10, 2, 12, 0)));
    await db.primary.query(insertEvents([openAt(13, 30)]));
    expect(await lastEngaged()).toEqual(new Date(Date.UTC(2026, 10, 2, 13, 30)));
    expect((await stats(userId, campaignId)).emails_opened).toBe(1);
  });
});

describe('soft bounce count (contacts.soft_bounce_count)', () => {
  it('counts a recipient\'s soft bounces once, and starts again from 0 on a human open or click or a delivery a provider reported', async () => {
    const userId = await createAccount(db.primary);
    const [contact] = await createContacts(db.primary, userId, 1);
    const campaigns: bigint[] = [];
    for (let i = 0; i < 6; i++) {
      campaigns.push(await createCampaign(db.primary, userId));
      await addRecipients(db.primary, userId, campaigns[i]!, [contact!]);
    }
    const event = (c: number, type: EventType, extra: { bounce?: 'hard' | 'soft'; metadata?: object } = {}): Row => ({
      user_id: userId, campaign_id: String(campaigns[c]), contact_id: String(contact), event_type: type, bounce_type: extra.bounce ?? null,
      metadata: JSON.stringify(extra.metadata ?? {}), created_at: new Date(Date.UTC(2026, 10, 2, 12, c)).toISOString(),
    });
    const row = () => db.primary.one(sql.type(z.object({ soft_bounce_count: z.number(), version: z.string() }))`
      SELECT soft_bounce_count, xmin::text AS version FROM contacts WHERE user_id = ${userId} AND id = ${contact!}`);
    const count = async () => (await row()).soft_bounce_count;
    const soft = (c: number) => event(c, 'bounced', { bounce: 'soft' });
    const fromProvider = { source: 'generic', provider_event_id: 'evt-1' };

    // the same message reported three times, in one statement and in two more
    await db.primary.query(insertEvents([soft(0), soft(0)]));
    await db.primary.query(insertEvents([soft(0)]));
    await db.primary.query(insertEvents([soft(0), event(0, 'bounced', { bounce: 'hard' })]));
    expect(await count()).toBe(1);
    await db.primary.query(insertEvents([soft(1), soft(2)]));
    expect(await count()).toBe(3);
    // no proof that mail arrives: a delivery on SMTP acceptance, a machine open
    await db.primary.query(insertEvents([event(3, 'sent'), event(3, 'delivered')]));
    await db.primary.query(insertEvents([event(3, 'opened', { metadata: { machine: true } })]));
    expect(await count()).toBe(3);
    await db.primary.query(insertEvents([event(3, 'opened')]));
    expect(await count()).toBe(0);

    await db.primary.query(insertEvents([soft(4)]));
    await db.primary.query(insertEvents([event(4, 'delivered', { metadata: fromProvider })]));
    expect(await count()).toBe(0);
    await db.primary.query(insertEvents([soft(5)]));
    await db.primary.query(insertEvents([event(5, 'clicked')]));
    expect(await count()).toBe(0);
    // an open with nothing to change (count 0, engaged within the hour) leaves the contact row alone
    const before = await row();
    await db.primary.query(insertEvents([event(5, 'opened')]));
    expect(await row()).toEqual(before);
  });
});

/** Applies the migrations numbered before `name`, as on an installation that has not upgraded yet. */
async function migrateUpTo(url: string, name: string) {
  const count = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort().indexOf(`${name}.sql`);
  expect(count).toBeGreaterThan(0);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await runner({ dbClient: client, dir: MIGRATIONS_DIR, direction: 'up', migrationsTable: MIGRATIONS_TABLE, count, log: () => {} });
  } finally {
    await client.end();
  }
}

describe('upgrading to 0075 (bounces leave delivered)', () => {
  it('takes recipients counted delivered before the upgrade that bounced out of the count', async () => {
    const fresh = await freshDatabase({ migrated: false });
    await migrateUpTo(fresh.url, '0075_bounces_leave_delivered');
    const pool = await createDatabasePool(fresh.url);
    try {
      const userId = await createAccount(pool);
      const contacts = await createContacts(pool, userId, 4);
      const campaignId = await createCampaign(pool, userId);
      await addRecipients(pool, userId, campaignId, contacts);
      const at = (minute: number) => new Date(Date.UTC(2026, 10, 2, 12, minute)).toISOString();
      const event = (r: number, type: EventType, minute: number) => sql.fragment`
        (${userId}, ${campaignId}, ${contacts[r]!}, ${type}, ${type === 'bounced' ? 'hard' : null}, ${at(minute)}::timestamptz)`;
      // 0 delivered then bounced, 1 opened then bounced, 2 delivered, 3 bounced only
      await pool.query(sql.unsafe`
        INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, bounce_type, created_at)
        VALUES ${sql.join([event(0, 'delivered', 0), event(1, 'delivered', 0), event(2, 'delivered', 0), event(1, 'opened', 5)], sql.fragment`, `)}`);
      await pool.query(sql.unsafe`
        INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, bounce_type, created_at)
        VALUES ${sql.join([event(0, 'bounced', 30), event(1, 'bounced', 30), event(3, 'bounced', 30)], sql.fragment`, `)}`);
      expect(await stats(userId, campaignId, pool)).toMatchObject({ emails_delivered: 3, emails_bounced: 3 });

      await migrate(fresh.url);
      expect(await stats(userId, campaignId, pool)).toMatchObject({ emails_delivered: 2, emails_opened: 1, open_rate: 50 });
    } finally {
      await pool.end();
      await fresh.drop();
    }
  });
});

describe('list contact_count trigger', () => {
  const count = (userId: string, listId: bigint) =>
    db.primary.oneFirst(sql.type(z.object({ contact_count: z.number() }))`
      SELECT contact_count FROM lists WHERE user_id = ${userId} AND id = ${listId}`);
  const actual = (userId: string, listId: bigint) =>
    db.primary.oneFirst(sql.type(z.object({ n: z.bigint() }))`
      SELECT count(*) AS n FROM list_contacts lc JOIN contacts c ON c.user_id = lc.user_id AND c.id = lc.contact_id
       WHERE lc.user_id = ${userId} AND lc.list_id = ${listId} AND c.deleted_at IS NULL`);

  it('stays exact under insert, delete, soft delete, restore and hard delete', async () => {
    const userId = await createAccount(db.primary);
    const listId = await db.primary.oneFirst(sql.type(z.object({ id: z.bigint() }))`
      INSERT INTO lists (user_id, name) VALUES (${userId}, 'count test') RETURNING id`);
    const contacts = await createContacts(db.primary, userId, 5);
    await db.primary.query(sql.unsafe`
      INSERT INTO list_contacts (user_id, list_id, contact_id)
      SELECT ${userId}, ${listId}, unnest(${sql.array(contacts.map(String), 'int8')}::int8[])`);
    expect(await count(userId, listId)).toBe(5);

    await db.primary.query(sql.unsafe`UPDATE contacts SET deleted_at = now() WHERE user_id = ${userId} AND id IN (${contacts[0]!}, ${contacts[1]!})`);
    expect(await count(userId, listId)).toBe(3);
    // a soft-deleted contact's membership removed later is not discounted twice
    await db.primary.query(sql.unsafe`DELETE FROM list_contacts WHERE user_id = ${userId} AND contact_id = ${contacts[0]!}`);
    expect(await count(userId, listId)).toBe(3);
    await db.primary.query(sql.unsafe`UPDATE contacts SET deleted_at = NULL WHERE user_id = ${userId} AND id = ${contacts[1]!}`);
    expect(await count(userId, listId)).toBe(4);
    await db.primary.query(sql.unsafe`DELETE FROM contacts WHERE user_id = ${userId} AND id = ${contacts[2]!}`);
    expect(await count(userId, listId)).toBe(3);
    // a soft-delete update that changes nothing else keeps the count
    await db.primary.query(sql.unsafe`UPDATE contacts SET first_name = 'x' WHERE user_id = ${userId}`);
    expect(BigInt(await count(userId, listId))).toBe(await actual(userId, listId));
  });
});

describe('updated_at trigger', () => {
  it('moves updated_at forward on update', async () => {
    const userId = await createAccount(db.primary);
    await db.primary.query(sql.unsafe`UPDATE users SET updated_at = '2000-01-01' , created_at = '2000-01-01' WHERE id = ${userId}`);
    const after = await db.primary.oneFirst(sql.type(z.object({ updated_at: z.date() }))`
      SELECT updated_at FROM users WHERE id = ${userId}`);
    expect(after.getUTCFullYear()).toBeGreaterThan(2000);
  });
});
