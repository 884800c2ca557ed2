import { setImmediate as nextTick } from 'node:timers/promises';
import type pg from 'pg';
import { pino } from 'pino';
import type { NewEvent } from '../src/db/events.ts';
import { createEventBuffer } from '../src/tracking/event-buffer.ts';
import { copyLine, copyRows } from './copy.ts';
import type { BenchDatabase } from './database.ts';
import { alternate, median, seededRandom, type Bench } from './harness.ts';
import { createAccount, createCampaign, createContacts } from './seed.ts';

/**
 * Herald: tracking events through the real ingestion path: recorded into the event buffer
 * (src/tracking/event-buffer.ts) as the tracking routes do, flushed by its lanes (two
 * connections, accounts shared out between them) as one COPY per chunk of up to 5,000
 * events, with the statement-level stats trigger maintaining recipients, campaigns,
 * contacts and link clicks.
 *
 * Baseline: the same rows COPYed into email_events in one statement on one connection with
 * the stats trigger disabled (ALTER TABLE email_events DISABLE TRIGGER USER); foreign key
 * checks stay on.
 *
 * Both start every round from the same state: no events, counters and recipient flags at zero.
 */

const CAMPAIGNS_PER_ACCOUNT = 5;
const AVERAGE_EVENTS_PER_RECIPIENT = 3.3;
const RECORD_BURST = 1_000; // tracking requests arriving between two turns of the event loop

const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)',
];

type Campaign = { userId: string; campaignId: bigint; contactIds: bigint[]; linkUrls: string[] };

/**
 * Many tenants sending at once: CAMPAIGNS_PER_ACCOUNT campaigns per account, each to its own
 * contacts (nobody gets several campaigns within the hour of events).
 */
async function seedCampaigns(client: pg.Client, campaigns: number, recipientsPerCampaign: number): Promise<Campaign[]> {
  const owners: Array<{ userId: string; contactIds: bigint[] }> = [];
  for (let account = 0; account * CAMPAIGNS_PER_ACCOUNT < campaigns; account++) {
    const userId = await createAccount(client, `ingest${account}`);
    const contactIds = await createContacts(client, userId, CAMPAIGNS_PER_ACCOUNT * recipientsPerCampaign, `a${account}.example.com`, { analyze: false });
    owners.push({ userId, contactIds });
  }
  await client.query('ANALYZE contacts');
  const seeded: Campaign[] = [];
  for (const [index, { userId, contactIds }] of owners.entries()) {
    for (let i = 0; i < CAMPAIGNS_PER_ACCOUNT && seeded.length < campaigns; i++) {
      const slice = contactIds.slice(i * recipientsPerCampaign, (i + 1) * recipientsPerCampaign);
      seeded.push({ userId, ...(await createCampaign(client, userId, { name: `Campaign ${index}.${i}`, contactIds: slice })) });
    }
  }
  return seeded;
}

/**
 * Per recipient: sent; then delivered, or (3 %) a bounce; about half open, some several
 * times and a few opens by machines; a third of the openers click one or two links.
 * Events are ordered by time across all campaigns, as they would arrive.
 */
function generateEvents(campaigns: readonly Campaign[], now: number): NewEvent[] {
  const random = seededRandom(9);
  const timed: Array<{ event: NewEvent; t: number }> = [];
  const add = (event: Omit<NewEvent, 'at'>, t: number) => timed.push({ event: { ...event, at: new Date(now - 3_600_000 + t) }, t });
  for (const campaign of campaigns) {
    const start = random() * 600_000;
    for (const contactId of campaign.contactIds) {
      const base = { userId: campaign.userId, campaignId: campaign.campaignId, contactId };
      const sentAt = start + random() * 60_000;
      add({ ...base, type: 'sent' }, sentAt);
      const roll = random();
      if (roll < 0.03) {
        const hard = roll < 0.01;
        add({ ...base, type: 'bounced', bounceType: hard ? 'hard' : 'soft', bounceReason: hard ? '550 5.1.1 user unknown' : '452 4.2.2 mailbox full' }, sentAt + 5_000);
        continue;
      }
      add({ ...base, type: 'delivered' }, sentAt + 2_000);
      if (random() < 0.5) continue;
      const opens = 1 + Math.floor(random() * 4);
      for (let o = 0; o < opens; o++) {
        const machine = random() < 0.08;
        add({
          ...base,
          type: 'opened',
          userAgent: machine ? 'Mozilla/5.0 (compatible; ProofpointScanner)' : AGENTS[o % AGENTS.length]!,
          ip: machine ? '17.58.100.1' : `203.0.113.${1 + Math.floor(random() * 250)}`,
          deviceType: machine ? 'machine' : 'desktop',
          metadata: machine ? { machine: true, machine_reason: 'user-agent' } : {},
        }, sentAt + 60_000 + random() * 2_400_000);
      }
      if (random() < 0.35) {
        const clicks = 1 + Math.floor(random() * 2);
        for (let k = 0; k < clicks; k++) {
          const link = Math.floor(random() * campaign.linkUrls.length);
          add({
            ...base,
            type: 'clicked',
            userAgent: AGENTS[k % AGENTS.length]!,
            ip: `198.51.100.${1 + Math.floor(random() * 250)}`,
            deviceType: 'desktop',
            linkUrl: campaign.linkUrls[link]!,
            linkText: 'Read more',
            metadata: {},
          }, sentAt + 120_000 + random() * 2_400_000);
        }
      }
    }
  }
  return timed.sort((a, b) => a.t - b.t).map((entry) => entry.event);
}

const eventLine = (event: NewEvent) => copyLine([
  event.userId, String(event.campaignId), String(event.contactId), event.type, event.userAgent, event.ip, event.deviceType,
  event.linkUrl, event.linkText, event.bounceType, event.bounceReason, JSON.stringify(event.metadata ?? {}), event.at!.toISOString(),
]);

async function copyBaseline(client: pg.Client, events: readonly NewEvent[]): Promise<void> {
  await client.query('ALTER TABLE email_events DISABLE TRIGGER USER');
  try {
    await copyRows(client, `
      COPY email_events (user_id, campaign_id, contact_id, event_type, user_agent, ip_address, device_type,
                         link_url, link_text, bounce_type, bounce_reason, metadata, created_at) FROM STDIN`, events, eventLine);
  } finally {
    await client.query('ALTER TABLE email_events ENABLE TRIGGER USER');
  }
}

type Side = 'herald' | 'baseline';
type Round = { side: Side; events: readonly NewEvent[] };

/**
 * Puts the database back to no events before each round, after checking that the previous
 * round stored all its events (and that only Herald's counted them). Only a Herald round
 * changes recipients, campaigns, contacts and links, so only then are those reset (and
 * vacuumed, so every round starts from the same tables).
 */
function roundKeeper(client: pg.Client) {
  let previous: Round | null = null;
  async function checkPrevious(): Promise<void> {
    if (!previous) return;
    const { rows } = await client.query<{ events: string; sent: string }>(
      'SELECT (SELECT count(*) FROM email_events) AS events, (SELECT sum(emails_sent) FROM campaigns) AS sent');
    const expectedSent = previous.side === 'herald' ? previous.events.filter((event) => event.type === 'sent').length : 0;
    const stored = { events: Number(rows[0]!.events), sent: Number(rows[0]!.sent) };
    if (stored.events !== previous.events.length || stored.sent !== expectedSent) {
      throw new Error(`${previous.side} stored ${stored.events} events counting ${stored.sent} sends; expected ${previous.events.length} and ${expectedSent}`);
    }
  }
  return {
    checkPrevious,
    prepare: (round: Round) => async () => {
      await checkPrevious();
      await client.query('TRUNCATE email_events');
      if (previous?.side === 'herald') await resetCounters(client);
      previous = round;
    },
  };
}

async function resetCounters(client: pg.Client): Promise<void> {
  await client.query(`UPDATE campaign_recipients SET delivered_at = NULL, first_opened_at = NULL, first_clicked_at = NULL,
                        bounced = false, hard_bounced = false, complained = false, unsubscribed = false, stats_delta = 0`);
  await client.query(`UPDATE campaigns SET emails_sent = 0, emails_delivered = 0, emails_opened = 0, emails_clicked = 0,
                        emails_bounced = 0, emails_hard_bounced = 0, emails_unsubscribed = 0, emails_complained = 0`);
  await client.query('UPDATE contacts SET last_engaged_at = NULL WHERE last_engaged_at IS NOT NULL');
  await client.query('UPDATE campaign_links SET clicks = 0 WHERE clicks <> 0');
  await client.query('VACUUM ANALYZE campaign_recipients, campaigns, contacts, campaign_links');
}

async function ingestThroughBuffer(db: BenchDatabase, events: readonly NewEvent[]): Promise<void> {
  const buffer = createEventBuffer(db, pino({ level: 'error' }));
  for (let start = 0; start < events.length; start += RECORD_BURST) {
    for (const event of events.slice(start, start + RECORD_BURST)) buffer.record(event);
    await nextTick();
  }
  await buffer.stop();
}

export const ingest: Bench = {
  name: 'ingest',
  summary: 'tracking events through the event buffer and stats triggers vs COPY with triggers disabled',
  async run({ server, options, log }) {
    const target = options.int('ingest-events', 500_000);
    const campaignCount = options.int('ingest-campaigns', 1_000);
    const recipientsPerCampaign = Math.max(1, Math.round(target / campaignCount / AVERAGE_EVENTS_PER_RECIPIENT));
    return server.withDatabase('ingest', async (db, client) => {
      const campaigns = await seedCampaigns(client, campaignCount, recipientsPerCampaign);
      const events = generateEvents(campaigns, Date.now());
      await client.query('VACUUM ANALYZE');
      log(`${events.length} events for ${campaigns.length} campaigns × ${recipientsPerCampaign} recipients`);

      const keeper = roundKeeper(client);
      const sides = (slice: readonly NewEvent[]) => ({
        herald: { prepare: keeper.prepare({ side: 'herald', events: slice }), run: () => ingestThroughBuffer(db, slice) },
        baseline: { prepare: keeper.prepare({ side: 'baseline', events: slice }), run: () => copyBaseline(client, slice) },
      });
      const times = await alternate(options.rounds, sides(events), log, sides(events.slice(0, Math.ceil(events.length / 10))));
      await keeper.checkPrevious();
      const herald = median(times.herald);
      const baseline = median(times.baseline);
      const ratio = herald / baseline;
      return {
        name: 'ingest',
        herald: { value: herald / 1000, unit: 's', note: `${Math.round((events.length * 1000) / herald).toLocaleString('en-US')} events/s` },
        baseline: { value: baseline / 1000, unit: 's', note: `${Math.round((events.length * 1000) / baseline).toLocaleString('en-US')} events/s` },
        ratio,
        target: '≤ 1.30×',
        pass: ratio <= 1.3,
        details: { events: events.length, campaigns: campaigns.length, recipientsPerCampaign, roundsMs: times },
      };
    });
  },
};
