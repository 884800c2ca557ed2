import { sql } from 'slonik';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { openTestDatabase } from '../helpers/db.ts';
import { campaignRow, CARD_CHANNEL, recipientCounts, seedAccount, seedCampaign, seedContacts, seedList } from '../helpers/delivery.ts';
import { spawnDispatcher } from '../helpers/dispatcher-process.ts';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';
import { until } from '../helpers/slack-sign.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const RECIPIENTS = 600;

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let sink: SmtpSink;
let slack: FakeSlack;

beforeAll(async () => {
  db = await openTestDatabase();
  sink = await startSmtpSink({ parse: false });
  slack = await startFakeSlack();
});

afterAll(async () => {
  await slack?.close();
  await sink?.close();
  await db?.close();
});

it('a dispatcher killed with SIGKILL mid-campaign and restarted sends no address twice and accounts for every recipient', async () => {
  const userId = await seedAccount(db.primary);
  const ids = await seedContacts(db.primary, userId, Array.from({ length: RECIPIENTS }, (_, i) => ({ email: `crash${i}@example.org` })));
  const ref = await seedCampaign(db.primary, userId, { listIds: [await seedList(db.primary, userId, ids)] });
  const run = (name: string) =>
    spawnDispatcher({ databaseUrl: db.url, smtpUrl: sink.url(name), slackApiUrl: slack.apiUrl, ref, batchSize: 20, leaseSeconds: 2 });

  const first = run('first-run');
  await until(() => sink.received.length >= RECIPIENTS / 4, 60_000);
  first.child.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');
  const sentBeforeRestart = sink.received.length;

  const second = run('second-run');
  const { code, stderr } = await second.exited;
  expect(stderr).toBe('');
  expect(code).toBe(0);

  // across both runs: nobody twice, and the campaign really was half done when killed
  expect(Math.max(...sink.countsByAddress().values())).toBe(1);
  expect(sentBeforeRestart).toBeLessThan(RECIPIENTS);
  expect(sink.received.filter((r) => r.ehlo === 'second-run').length).toBeGreaterThan(0);

  const counts = await recipientCounts(db.primary, ref);
  expect(Object.keys(counts).every((status) => ['sent', 'failed', 'skipped', 'unknown'].includes(status))).toBe(true);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  expect(total).toBe(RECIPIENTS);
  expect((await campaignRow(db.primary, ref)).recipients_total).toBe(total);
  expect((await campaignRow(db.primary, ref)).status).toBe('sent');

  // every recipient recorded as sent really arrived; unknown ones may or may not have
  const sentEmails = await db.primary.anyFirst(sql.type(z.object({ email: z.string() }))`
    SELECT email FROM campaign_recipients WHERE user_id = ${userId} AND campaign_id = ${ref.campaignId} AND status = 'sent'`);
  const arrived = new Set(sink.received.map((r) => r.to));
  expect(sentEmails.filter((email) => !arrived.has(email))).toEqual([]);
  expect(arrived.size).toBe(sentEmails.length + (await unknownThatArrived(ref.campaignId, userId, arrived)));

  const report = slack.thread(CARD_CHANNEL, (await campaignRow(db.primary, ref)).slack_message_ts).at(-1)?.text;
  expect(report).toBe(
    `Sending finished: ${counts.sent ?? 0} sent, ${counts.failed ?? 0} failed, ${counts.skipped ?? 0} skipped, ${counts.unknown ?? 0} unknown (${RECIPIENTS} recipients).`,
  );
}, 120_000);

async function unknownThatArrived(campaignId: bigint, userId: string, arrived: Set<string>): Promise<number> {
  const unknown = await db.primary.anyFirst(sql.type(z.object({ email: z.string() }))`
    SELECT email FROM campaign_recipients WHERE user_id = ${userId} AND campaign_id = ${campaignId} AND status = 'unknown'`);
  return unknown.filter((email) => arrived.has(email)).length;
}
