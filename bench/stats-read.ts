import type pg from 'pg';
import { campaignStatsMessage } from '../src/bot/views/stats.ts';
import { campaignStats } from '../src/reports/stats.ts';
import { median, percentile, type Bench } from './harness.ts';
import { createAccount, createCampaign, createContacts } from './seed.ts';

/**
 * `/herald stats <campaign>` as the command runs it (src/reports/stats.ts on the read pool,
 * then the Block Kit message), for a campaign with 10k events and one with 1M events in
 * the same database. The events go in through INSERT with the stats triggers enabled, so
 * the counters the read path uses (campaigns, campaign_links) are the ones ingestion maintains. Reads must not grow
 * with events: the ratio of the two medians should stay near 1.
 */

const EVENTS_PER_RECIPIENT = 4; // sent, delivered, opened, then a click or a second open
const RECIPIENTS_PER_STATEMENT = 25_000;

async function seedCampaignEvents(client: pg.Client, userId: string, name: string, events: number) {
  const recipients = Math.ceil(events / EVENTS_PER_RECIPIENT);
  const contactIds = await createContacts(client, userId, recipients, `${name}.example.com`);
  const campaign = await createCampaign(client, userId, { name, contactIds });
  for (let start = 0; start < recipients; start += RECIPIENTS_PER_STATEMENT) {
    await client.query(
      `INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, link_url, created_at)
       SELECT $1, $2, c.id,
              CASE k WHEN 1 THEN 'sent' WHEN 2 THEN 'delivered' WHEN 3 THEN 'opened'
                     ELSE CASE WHEN c.id % 2 = 0 THEN 'clicked' ELSE 'opened' END END,
              CASE WHEN k = 4 AND c.id % 2 = 0 THEN ($4::text[])[c.id % 3 + 1] END,
              now() - make_interval(secs => 4 - k)
         FROM unnest($3::int8[]) AS c(id), generate_series(1, ${EVENTS_PER_RECIPIENT}) AS k`,
      [userId, String(campaign.campaignId), contactIds.slice(start, start + RECIPIENTS_PER_STATEMENT).map(String), campaign.linkUrls],
    );
  }
  return campaign;
}

export const statsRead: Bench = {
  name: 'stats-read',
  summary: '/herald stats <campaign> query path at 10k and at 1M events (ratio 1M ÷ 10k)',
  async run({ server, options, log }) {
    const small = options.int('stats-small-events', 10_000);
    const large = options.int('stats-large-events', 1_000_000);
    const calls = options.int('stats-calls', 1_000);
    return server.withDatabase('stats_read', async (db, client) => {
      const userId = await createAccount(client, 'stats');
      await seedCampaignEvents(client, userId, 'small', small);
      log(`seeded ${small} events`);
      await seedCampaignEvents(client, userId, 'large', large);
      log(`seeded ${large} events`);
      await client.query('VACUUM ANALYZE');
      const counted = await client.query<{ name: string; events: string; opened: number }>(
        `SELECT c.name, (SELECT count(*) FROM email_events e WHERE e.user_id = c.user_id AND e.campaign_id = c.id) AS events, c.emails_opened AS opened
           FROM campaigns c WHERE c.user_id = $1 ORDER BY c.id`,
        [userId],
      );
      log(counted.rows.map((row) => `${row.name}: ${row.events} events, ${row.opened} unique opens`).join('; '));

      const readStats = async (name: string) => {
        const start = performance.now();
        const message = campaignStatsMessage(await campaignStats(db.read, userId, { name }));
        if (message.blocks.length === 0) throw new Error('empty stats message');
        return performance.now() - start;
      };
      const latencies = { small: [] as number[], large: [] as number[] };
      for (let i = 0; i < Math.min(200, calls); i++) {
        await readStats('small');
        await readStats('large');
      }
      for (let round = 0; round < options.rounds; round++) {
        // interleaved call by call, so both sizes see the same moments of a noisy host
        for (let i = 0; i < calls; i++) {
          latencies.small.push(await readStats('small'));
          latencies.large.push(await readStats('large'));
        }
        log(`round ${round + 1}/${options.rounds}: median 10k ${median(latencies.small).toFixed(2)} ms, 1M ${median(latencies.large).toFixed(2)} ms`);
      }

      const p50 = { small: median(latencies.small), large: median(latencies.large) };
      const p99 = { small: percentile(latencies.small, 99), large: percentile(latencies.large, 99) };
      const ratio = p50.large / p50.small;
      return {
        name: 'stats-read',
        herald: { value: p50.large, unit: `ms p50 at ${large.toLocaleString('en-US')} events`, note: `p99 ${p99.large.toFixed(2)} ms` },
        baseline: { value: p50.small, unit: `ms p50 at ${small.toLocaleString('en-US')} events`, note: `p99 ${p99.small.toFixed(2)} ms` },
        ratio,
        target: '≤ 1.50× and p99 < 10 ms',
        pass: ratio <= 1.5 && p99.large < 10,
        details: { small, large, calls: calls * options.rounds, p50, p99, seeded: counted.rows },
      };
    });
  },
};
