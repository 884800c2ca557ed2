import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase, type Database } from '../../src/db/pool.ts';
import { runQuotaJob, type QuotaDeps } from '../../src/jobs/quota.ts';
import { createAccount } from '../helpers/fixtures.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
let otherProcess: Database;
let userId: string;

const Quota = z.object({ monthly_emails_sent: z.number(), quota_period_start: z.string(), quota_warned_percent: z.number() });
const quotaOf = (id: string) =>
  herald.db.primary.one(sql.type(Quota)`
    SELECT monthly_emails_sent, quota_period_start::text AS quota_period_start, quota_warned_percent FROM users WHERE id = ${id}`);

const deps = (db: Database, now: string): QuotaDeps => ({ db: db.primary, notifier: herald.notifier, log: herald.services.log, now: () => new Date(now) });

async function setQuota(id: string, values: { anchor: string; periodStart: string; sent: number; limit?: number }) {
  await herald.db.primary.query(sql.unsafe`
    UPDATE users SET billing_anchor = ${values.anchor}::date, quota_period_start = ${values.periodStart}::date,
                     monthly_emails_sent = ${values.sent}, monthly_email_limit = ${values.limit ?? 1000}, quota_warned_percent = 0
     WHERE id = ${id}`);
}

/** Posts in the admin channel after `/herald admin-channel` announced it there. */
const adminPosts = () => herald.slack.messages.filter((m) => m.channel === 'CADMIN').slice(1);

beforeAll(async () => {
  herald = await startTestHerald();
  await herald.command('admin-channel', { channel: 'CADMIN' });
  userId = await herald.db.primary.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'T1'`);
  otherProcess = await openDatabase(herald.db.url, undefined, 2);
});
afterAll(async () => {
  await otherProcess.close();
  await herald.close();
});

describe('quota reset job', () => {
  it('resets at the account’s billing month start, once, however often it runs', async () => {
    // anchored on the 31st: February's period starts on the 28th, March's on the 31st
    await setQuota(userId, { anchor: '2025-01-31', periodStart: '2025-02-28', sent: 640 });
    await runQuotaJob(deps(herald.db, '2025-03-30T23:59:00Z'));
    expect(await quotaOf(userId)).toMatchObject({ monthly_emails_sent: 640, quota_period_start: '2025-02-28' });

    expect((await runQuotaJob(deps(herald.db, '2025-03-31T00:01:00Z'))).reset).toBe(1);
    expect(await quotaOf(userId)).toMatchObject({ monthly_emails_sent: 0, quota_period_start: '2025-03-31' });

    await herald.db.primary.query(sql.unsafe`UPDATE users SET monthly_emails_sent = 7 WHERE id = ${userId}`); // sends after the reset
    expect((await runQuotaJob(deps(herald.db, '2025-03-31T18:00:00Z'))).reset).toBe(0);
    expect((await runQuotaJob(deps(herald.db, '2025-04-29T09:00:00Z'))).reset).toBe(0);
    expect(await quotaOf(userId)).toMatchObject({ monthly_emails_sent: 7, quota_period_start: '2025-03-31' });

    expect((await runQuotaJob(deps(herald.db, '2025-04-30T00:00:00Z'))).reset).toBe(1);
    expect(await quotaOf(userId)).toMatchObject({ monthly_emails_sent: 0, quota_period_start: '2025-04-30' });
  });

  it('resets once when two processes run it at the same moment', async () => {
    const accounts = await Promise.all([createAccount(herald.db.primary), createAccount(herald.db.primary), createAccount(herald.db.primary)]);
    for (const id of accounts) await setQuota(id, { anchor: '2025-05-10', periodStart: '2025-05-10', sent: 300 });
    const now = '2025-06-10T00:00:30Z';
    const [first, second] = await Promise.all([runQuotaJob(deps(herald.db, now)), runQuotaJob(deps(otherProcess, now))]);
    // userId (anchored on the 31st, period from 2025-04-30) is due again by June too
    expect(first.reset + second.reset).toBe(accounts.length + 1);
    for (const id of accounts) expect(await quotaOf(id)).toMatchObject({ monthly_emails_sent: 0, quota_period_start: '2025-06-10' });
  });

  it('warns the admin channel at 80 % and at 100 % of the quota, each once per billing period', async () => {
    await setQuota(userId, { anchor: '2025-01-31', periodStart: '2025-05-31', sent: 799 });
    const at = '2025-06-02T10:00:00Z';
    await runQuotaJob(deps(herald.db, at));
    expect(adminPosts()).toHaveLength(0);

    await herald.db.primary.query(sql.unsafe`UPDATE users SET monthly_emails_sent = 800 WHERE id = ${userId}`);
    await Promise.all([runQuotaJob(deps(herald.db, at)), runQuotaJob(deps(otherProcess, at))]);
    await runQuotaJob(deps(herald.db, at));
    expect(adminPosts().map((m) => m.text)).toEqual([expect.stringContaining('80 % of its monthly quota (800 of 1,000 emails')]);

    await herald.db.primary.query(sql.unsafe`UPDATE users SET monthly_emails_sent = 1000 WHERE id = ${userId}`);
    await runQuotaJob(deps(herald.db, at));
    await runQuotaJob(deps(herald.db, at));
    expect(adminPosts()).toHaveLength(2);
    expect(adminPosts()[1]!.text).toContain('used its whole monthly quota (1,000 of 1,000 emails');

    // a new billing period starts over: 80 % warns again
    await runQuotaJob(deps(herald.db, '2025-06-30T00:00:00Z'));
    await herald.db.primary.query(sql.unsafe`UPDATE users SET monthly_emails_sent = 900 WHERE id = ${userId}`);
    await runQuotaJob(deps(herald.db, '2025-06-30T01:00:00Z'));
    expect(adminPosts()).toHaveLength(3);
  });

  it('posts a warning Slack refused on the next run, once', async () => {
    await setQuota(userId, { anchor: '2025-01-31', periodStart: '2025-07-31', sent: 850 });
    const before = adminPosts().length;
    herald.slack.failNext('chat.postMessage', 'fatal_error');
    expect((await runQuotaJob(deps(herald.db, '2025-08-02T10:00:00Z'))).warned).toBe(0);
    expect(adminPosts()).toHaveLength(before);
    expect((await quotaOf(userId)).quota_warned_percent).toBe(0);

    expect((await runQuotaJob(deps(herald.db, '2025-08-02T10:05:00Z'))).warned).toBe(1);
    await runQuotaJob(deps(herald.db, '2025-08-02T10:10:00Z'));
    expect(adminPosts().slice(before).map((m) => m.text)).toEqual([expect.stringContaining('80 % of its monthly quota (850 of 1,000 emails')]);
  });

  it('joins a public admin channel Herald was removed from; from a private one the warning goes to the installer by DM', async () => {
    herald.slack.notMemberOf('CADMIN', 'public');
    await setQuota(userId, { anchor: '2025-01-31', periodStart: '2025-08-31', sent: 800 });
    const before = adminPosts().length;
    expect((await runQuotaJob(deps(herald.db, '2025-09-01T10:00:00Z'))).warned).toBe(1);
    expect(adminPosts().slice(before).map((m) => m.text)).toEqual([expect.stringContaining('80 % of its monthly quota')]);

    herald.slack.notMemberOf('CADMIN', 'private');
    await herald.db.primary.query(sql.unsafe`UPDATE users SET monthly_emails_sent = 1000 WHERE id = ${userId}`);
    expect((await runQuotaJob(deps(herald.db, '2025-09-01T11:00:00Z'))).warned).toBe(1);
    const [dm, ...more] = herald.slack.messages.filter((m) => m.channel === 'UADMIN');
    expect(more).toEqual([]);
    expect(dm!.text).toContain('used its whole monthly quota (1,000 of 1,000 emails');
    expect(dm!.text).toContain("I can't post in <#CADMIN>");
  });
});
