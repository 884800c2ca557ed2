import { pino } from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ingestEvents, INGEST_CHUNK, type NewEvent } from '../../src/db/events.ts';
import { createEventBuffer, laneOf } from '../../src/tracking/event-buffer.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { addRecipients, createAccount, createCampaign, createContacts } from '../helpers/fixtures.ts';
import { until } from '../helpers/slack-sign.ts';

let db: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

async function campaignWith(recipients: number) {
  const userId = await createAccount(db.primary);
  const contacts = await createContacts(db.primary, userId, recipients);
  const campaignId = await createCampaign(db.primary, userId);
  await addRecipients(db.primary, userId, campaignId, contacts);
  return { userId, campaignId, contacts };
}

const opens = (c: Awaited<ReturnType<typeof campaignWith>>, count: number): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({ userId: c.userId, campaignId: c.campaignId, contactId: c.contacts[i % c.contacts.length]!, type: 'opened' }));

/** Transactions that stored the campaign's events (each chunk or flush is one). */
const writes = (c: { userId: string; campaignId: bigint }) =>
  db.primary.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(DISTINCT xmin::text)::int AS n FROM email_events WHERE user_id = ${c.userId} AND campaign_id = ${c.campaignId}`);

const stats = (c: { userId: string; campaignId: bigint }) =>
  db.primary.one(sql.type(z.object({ emails_opened: z.number(), events: z.bigint() }))`
    SELECT emails_opened, (SELECT count(*) FROM email_events e WHERE e.user_id = c.user_id AND e.campaign_id = c.id) AS events
      FROM campaigns c WHERE c.user_id = ${c.userId} AND c.id = ${c.campaignId}`);

describe('tracking event ingestion', () => {
  it('stores events in chunks of up to INGEST_CHUNK rows, one transaction each', async () => {
    const campaign = await campaignWith(40);
    expect(await ingestEvents(db, opens(campaign, 2 * INGEST_CHUNK + 1))).toBe(2 * INGEST_CHUNK + 1);
    expect(await writes(campaign)).toBe(3);
    expect(await stats(campaign)).toEqual({ emails_opened: 40, events: BigInt(2 * INGEST_CHUNK + 1) });
  });

  it('drops events of recipients that do not exist instead of failing the batch', async () => {
    const campaign = await campaignWith(2);
    const stray: NewEvent = { userId: campaign.userId, campaignId: campaign.campaignId, contactId: 999_999n, type: 'opened' };
    expect(await ingestEvents(db, [...opens(campaign, 2), stray])).toBe(2);
    expect(await stats(campaign)).toEqual({ emails_opened: 2, events: 2n });
  });

  it('writes by itself once maxEvents wait (one write for all of them), and the rest on stop', async () => {
    const campaign = await campaignWith(10);
    const buffer = createEventBuffer(db, pino({ level: 'silent' }), { maxEvents: 100, intervalMs: 60_000 });
    for (const event of opens(campaign, 150)) buffer.record(event);
    await until(async () => (await stats(campaign)).events === 150n);
    expect(await writes(campaign)).toBe(1);
    for (const event of opens(campaign, 30)) buffer.record(event);
    await buffer.stop();
    expect(await writes(campaign)).toBe(2);
    expect(await stats(campaign)).toEqual({ emails_opened: 10, events: 180n });
  });

  it('shares accounts out between lanes: one transaction a lane, each account in one of them', async () => {
    const campaigns: Array<Awaited<ReturnType<typeof campaignWith>>> = [];
    const inLane = (lane: number) => campaigns.filter((c) => laneOf(c.userId, 2) === lane).length;
    while (inLane(0) < 3 || inLane(1) < 3) campaigns.push(await campaignWith(5));
    const buffer = createEventBuffer(db, pino({ level: 'silent' }), { maxEvents: 10_000, intervalMs: 60_000, lanes: 2 });
    for (const campaign of campaigns) for (const event of opens(campaign, 20)) buffer.record(event);
    await buffer.stop();
    for (const campaign of campaigns) expect(await stats(campaign)).toEqual({ emails_opened: 5, events: 20n });
    for (const campaign of campaigns) expect(await writes(campaign)).toBe(1);
    const total = await db.primary.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(DISTINCT xmin::text)::int AS n FROM email_events WHERE user_id = ANY(${sql.array(campaigns.map((c) => c.userId), 'uuid')})`);
    expect(total).toBe(2);
  });

  it('after a failed flush, writes again only the events its committed chunks did not store', async () => {
    const campaign = await campaignWith(10);
    // a failure in the second chunk of a flush, once: the first chunk has committed by then
    await db.primary.query(sql.unsafe`CREATE TABLE fail_switch (failing boolean NOT NULL)`);
    await db.primary.query(sql.unsafe`INSERT INTO fail_switch VALUES (true)`);
    await db.primary.query(sql.unsafe`
      CREATE FUNCTION fail_marked_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.user_agent = 'fail-here' AND (SELECT failing FROM fail_switch) THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$`);
    await db.primary.query(sql.unsafe`CREATE TRIGGER fail_marked_event BEFORE INSERT ON email_events FOR EACH ROW EXECUTE FUNCTION fail_marked_event()`);
    try {
      const buffer = createEventBuffer(db, pino({ level: 'silent' }), { maxEvents: 100_000, intervalMs: 60_000, lanes: 1 });
      for (const event of opens(campaign, INGEST_CHUNK)) buffer.record(event);
      buffer.record({ ...opens(campaign, 1)[0]!, userAgent: 'fail-here' });
      await buffer.flush();
      expect((await stats(campaign)).events).toBe(BigInt(INGEST_CHUNK));
      await db.primary.query(sql.unsafe`UPDATE fail_switch SET failing = false`);
      await buffer.stop();
      expect(await stats(campaign)).toEqual({ emails_opened: 10, events: BigInt(INGEST_CHUNK + 1) });
    } finally {
      await db.primary.query(sql.unsafe`DROP TRIGGER fail_marked_event ON email_events`);
      await db.primary.query(sql.unsafe`DROP FUNCTION fail_marked_event()`);
      await db.primary.query(sql.unsafe`DROP TABLE fail_switch`);
    }
  });
});
