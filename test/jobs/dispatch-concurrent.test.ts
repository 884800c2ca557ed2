import { afterAll, beforeAll, expect, it } from 'vitest';
import { recipientCounts } from '../helpers/delivery.ts';
import { startProcessFixture } from '../helpers/dispatcher-process.ts';

const RECIPIENTS = 600;
let fixture: Awaited<ReturnType<typeof startProcessFixture>>;

beforeAll(async () => {
  fixture = await startProcessFixture();
});
afterAll(() => fixture?.close());

it('two dispatcher processes on one campaign share the work and send nobody twice', async () => {
  const { sink, db } = fixture;
  const ref = await fixture.campaignTo(RECIPIENTS, 'both');
  const dispatchers = ['dispatcher-a', 'dispatcher-b'].map((name) => fixture.run(name, ref, { batchSize: 20, leaseSeconds: 60 }));
  await Promise.all(dispatchers.map((d) => d.ready));
  for (const d of dispatchers) d.go();

  const results = await Promise.all(dispatchers.map((d) => d.exited));
  expect(results.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, '']]);

  expect(sink.received).toHaveLength(RECIPIENTS);
  expect(sink.countsByAddress().size).toBe(RECIPIENTS);
  expect(sink.received.filter((r) => r.ehlo === 'dispatcher-a').length).toBeGreaterThan(0);
  expect(sink.received.filter((r) => r.ehlo === 'dispatcher-b').length).toBeGreaterThan(0);
  expect(await recipientCounts(db.primary, ref)).toEqual({ sent: RECIPIENTS });

  // one of them started the campaign and one finished it: each said so once
  expect(await fixture.thread(ref)).toEqual([
    `Sending started to ${RECIPIENTS} of ${RECIPIENTS} recipients.`,
    `Sending finished: ${RECIPIENTS} sent, 0 failed, 0 skipped, 0 unknown (${RECIPIENTS} recipients).`,
  ]);
}, 120_000);
