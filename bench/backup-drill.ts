// npm run drill:backup — the large backup/restore drill: builds a database with 100k
// contacts and 1M email events, backs it up with `npm run backup`'s code, restores it into
// an empty database with `npm run restore`'s code, and checks that both hold the same.
// Runs against DATABASE_URL's server, or a throwaway embedded PostgreSQL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { runStatement, withDatabase } from '../src/db/admin.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { exactRowCount } from '../src/db/maintenance.ts';
import { migrate } from '../src/db/migrate.ts';
import { createDatabasePool } from '../src/db/pool.ts';
import { backupDatabase } from '../src/ops/backup.ts';
import { restoreDatabase } from '../src/ops/restore.ts';

const CONTACTS = 100_000;
// each campaign goes to every contact: 400k recipients; per campaign sent 100k, delivered
// 97k, bounced 3k, opened 40k, clicked 10k → 250k events, 1M in all
const CAMPAIGNS = 4;
const FIRST_MONTH_CAMPAIGNS = 2;

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const say = (line: string) => console.log(`[${elapsed()}] ${line}`);

async function loadAccount(pool: DatabasePool): Promise<void> {
  const userId = await pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO users (email, contact_limit, monthly_email_limit) VALUES ('drill@example.com', 1000000, 10000000) RETURNING id`);
  await pool.query(sql.unsafe`
    INSERT INTO contacts (user_id, email, first_name, custom_fields, tags)
    SELECT ${userId}, format('contact%s@example.com', g), format('Name %s', g),
           jsonb_build_object('plan', CASE WHEN g % 3 = 0 THEN 'pro' ELSE 'free' END), ARRAY['drill']
      FROM generate_series(1, ${CONTACTS}) g`);
  say(`${CONTACTS.toLocaleString('en-US')} contacts loaded`);
  const listId = await pool.oneFirst(sql.type(z.object({ id: z.bigint() }))`
    INSERT INTO lists (user_id, name) VALUES (${userId}, 'Everyone') RETURNING id`);
  await pool.query(sql.unsafe`
    INSERT INTO list_contacts (user_id, list_id, contact_id) SELECT ${userId}, ${listId}, id FROM contacts WHERE user_id = ${userId}`);

  const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 15));
  await pool.query(sql.unsafe`SELECT create_email_event_partition(${lastMonth.toISOString().slice(0, 10)}::date)`);
  for (let n = 1; n <= CAMPAIGNS; n += 1) {
    const sentAt = n <= FIRST_MONTH_CAMPAIGNS ? lastMonth : new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1, 12));
    await loadSentCampaign(pool, userId, `Campaign ${n}`, sentAt);
    say(`campaign ${n}/${CAMPAIGNS}: ${CONTACTS.toLocaleString('en-US')} recipients and their events loaded`);
  }
}

async function loadSentCampaign(pool: DatabasePool, userId: string, name: string, sentAt: Date): Promise<void> {
  const at = sentAt.toISOString();
  const campaignId = await pool.oneFirst(sql.type(z.object({ id: z.bigint() }))`
    INSERT INTO campaigns (user_id, name, subject, html_content, status, sent_at)
    VALUES (${userId}, ${name}, 'Drill', '<p>Hi</p>', 'sent', ${at}) RETURNING id`);
  await pool.query(sql.unsafe`
    INSERT INTO campaign_recipients (user_id, campaign_id, contact_id, email, status, sent_at)
    SELECT user_id, ${campaignId}, id, email, 'sent', ${at} FROM contacts WHERE user_id = ${userId}`);
  // one statement per event kind, as the tracking pipeline batches them
  for (const type of ['sent', 'delivered', 'bounced', 'opened', 'clicked']) {
    await pool.query(sql.unsafe`
      INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, bounce_type, user_agent, ip_address, created_at)
      SELECT user_id, ${campaignId}, id, ${type}, CASE WHEN ${type} = 'bounced' THEN 'hard' END,
             CASE WHEN ${type} IN ('opened', 'clicked') THEN 'Mozilla/5.0 ' || md5(random()::text) END,
             CASE WHEN ${type} IN ('opened', 'clicked') THEN ('203.0.113.' || (id % 250))::inet END, ${at}
        FROM contacts
       WHERE user_id = ${userId}
         AND CASE ${type} WHEN 'sent' THEN true
                          WHEN 'delivered' THEN id % 100 >= 3
                          WHEN 'bounced' THEN id % 100 < 3
                          WHEN 'opened' THEN id % 5 < 2
                          ELSE id % 10 = 0 END`);
  }
}

async function snapshot(pool: DatabasePool) {
  const stats = await pool.any(sql.type(z.object({ id: z.bigint(), sent: z.number(), delivered: z.number(), opened: z.number() }))`
    SELECT id, emails_sent AS sent, emails_delivered AS delivered, emails_opened AS opened FROM campaigns ORDER BY id`);
  const counts: Record<string, number> = {};
  for (const name of ['users', 'contacts', 'list_contacts', 'campaigns', 'campaign_recipients', 'email_events']) {
    counts[name] = await exactRowCount(pool, { schema: 'public', name });
  }
  return { counts, stats: stats.map((s) => ({ ...s, id: String(s.id) })) };
}

async function drill(serverUrl: string, workDir: string): Promise<boolean> {
  const sourceUrl = withDatabase(serverUrl, 'herald_drill_source');
  const targetUrl = withDatabase(serverUrl, 'herald_drill_target');
  for (const name of ['herald_drill_source', 'herald_drill_target']) {
    await runStatement(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await runStatement(serverUrl, `CREATE DATABASE ${name}`);
  }
  try {
    await migrate(sourceUrl);
    const source = await createDatabasePool(sourceUrl, { maxPoolSize: 1 });
    let before;
    try {
      await loadAccount(source);
      before = await snapshot(source);
    } finally {
      await source.end();
    }
    say(`source ready: ${JSON.stringify(before.counts)}`);

    const file = join(workDir, 'herald-drill.dump');
    say('npm run backup:');
    await backupDatabase(sourceUrl, file, say);
    say('npm run restore into an empty database:');
    await restoreDatabase(targetUrl, file, { force: false }, say);

    const target = await createDatabasePool(targetUrl, { maxPoolSize: 1 });
    try {
      const after = await snapshot(target);
      const same = JSON.stringify(after) === JSON.stringify(before);
      say(same ? `restored database matches: ${JSON.stringify(after.counts)}` : `MISMATCH: ${JSON.stringify({ before, after })}`);
      return same;
    } finally {
      await target.end();
    }
  } finally {
    for (const name of ['herald_drill_source', 'herald_drill_target']) {
      await runStatement(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }
}

const workDir = await mkdtemp(join(tmpdir(), 'herald-backup-drill-'));
let stopServer = async () => {};
try {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const server = await startEmbeddedPostgres({ dataDir: workDir, database: 'postgres', persistent: false });
    serverUrl = server.url;
    stopServer = server.stop;
    say('throwaway embedded PostgreSQL started');
  }
  const ok = await drill(serverUrl, workDir);
  say(ok ? 'drill passed' : 'drill FAILED');
  process.exitCode = ok ? 0 : 1;
} finally {
  await stopServer();
  await rm(workDir, { recursive: true, force: true });
}
