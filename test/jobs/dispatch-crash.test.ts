import { sql } from 'slonik';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { campaignRow, recipientCounts } from '../helpers/delivery.ts';
import { startProcessFixture } from '../helpers/dispatcher-process.ts';
import { until } from '../helpers/slack-sign.ts';

const RECIPIENTS = 600;
let fixture: Awaited<ReturnType<typeof startProcessFixture>>;

beforeAll(async () => {
  fixture = await startProcessFixture();
});
afterAll(() => fixture?.close());

it('a dispatcher killed with SIGKILL mid-campaign and restarted sends no address twice and accounts for every recipient', async () => {
  const { sink, db } = fixture;
  const ref = await fixture.campaignTo(RECIPIENTS, 'crash');
  // short leases, so the restarted run soon knows the killed run's claims are abandoned
  const run = async (name: string) => {
    const dispatcher = fixture.run(name, ref, { batchSize: 20, leaseSeconds: 2 });
    await dispatcher.ready;
    dispatcher.go();
    return dispatcher;
  };

  const first = await run('first-run');
  await until(() => sink.received.length >= RECIPIENTS / 4, 60_000);
  first.child.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');
  const sentBeforeRestart = sink.received.length;

  const { code, stderr } = await (await run('second-run')).exited;
  expect(stderr).toBe('');
  expect(code).toBe(0);

  // across both runs: nobody twice, and the campaign really was unfinished when killed
  expect(Math.max(...sink.countsByAddress().values())).toBe(1);
  expect(sentBeforeRestart).toBeLessThan(RECIPIENTS);
  expect(sink.received.filter((r) => r.ehlo === 'second-run').length).toBeGreaterThan(0);

  const counts = await recipientCounts(db.primary, ref);
  expect(Object.keys(counts).every((status) => ['sent', 'failed', 'skipped', 'unknown'].includes(status))).toBe(true);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  expect(total).toBe(RECIPIENTS);
  expect(await campaignRow(db.primary, ref)).toMatchObject({ status: 'sent', recipients_total: RECIPIENTS });

  // every recipient recorded as sent really arrived; of the unknown ones, some may have
  const byStatus = async (status: string) => db.primary.anyFirst(sql.type(z.object({ email: z.string() }))`
    SELECT email FROM campaign_recipients WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId} AND status = ${status}`);
  const arrived = new Set(sink.received.map((r) => r.to));
  const sent = await byStatus('sent');
  expect(sent.filter((email) => !arrived.has(email))).toEqual([]);
  expect(arrived.size).toBe(sent.length + (await byStatus('unknown')).filter((email) => arrived.has(email)).length);

  expect((await fixture.thread(ref)).at(-1)).toBe(
    `Sending finished: ${counts.sent ?? 0} sent, ${counts.failed ?? 0} failed, ${counts.skipped ?? 0} skipped, ${counts.unknown ?? 0} unknown (${RECIPIENTS} recipients).`,
  );
}, 120_000);
