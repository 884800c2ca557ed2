import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestDatabase } from '../helpers/db.ts';
import { campaignRow, CARD_CHANNEL, recipientCounts, seedAccount, seedCampaign, seedContacts, seedList } from '../helpers/delivery.ts';
import { spawnDispatcher } from '../helpers/dispatcher-process.ts';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';
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

it('two dispatcher processes on one campaign share the work and send nobody twice', async () => {
  const userId = await seedAccount(db.primary);
  const ids = await seedContacts(db.primary, userId, Array.from({ length: RECIPIENTS }, (_, i) => ({ email: `both${i}@example.org` })));
  const ref = await seedCampaign(db.primary, userId, { listIds: [await seedList(db.primary, userId, ids)] });
  const run = (name: string) =>
    spawnDispatcher({ databaseUrl: db.url, smtpUrl: sink.url(name), slackApiUrl: slack.apiUrl, ref, batchSize: 20, leaseSeconds: 60 });

  const results = await Promise.all([run('dispatcher-a').exited, run('dispatcher-b').exited]);
  expect(results.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, '']]);

  expect(sink.received).toHaveLength(RECIPIENTS);
  expect(sink.countsByAddress().size).toBe(RECIPIENTS);
  expect(sink.received.filter((r) => r.ehlo === 'dispatcher-a').length).toBeGreaterThan(0);
  expect(sink.received.filter((r) => r.ehlo === 'dispatcher-b').length).toBeGreaterThan(0);
  expect(await recipientCounts(db.primary, ref)).toEqual({ sent: RECIPIENTS });

  // one of them started the campaign and one finished it: each said so once
  const thread = slack.thread(CARD_CHANNEL, (await campaignRow(db.primary, ref)).slack_message_ts).map((m) => m.text);
  expect(thread).toEqual([
    `Sending started to ${RECIPIENTS} of ${RECIPIENTS} recipients.`,
    `Sending finished: ${RECIPIENTS} sent, 0 failed, 0 skipped, 0 unknown (${RECIPIENTS} recipients).`,
  ]);
}, 120_000);
