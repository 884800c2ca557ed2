import { afterAll, beforeAll, expect, it } from 'vitest';
import { recipientCounts } from '../helpers/delivery.ts';
import { startProcessFixture } from '../helpers/dispatcher-process.ts';

const RECIPIENTS = 600;
const DISPATCHERS = ['dispatcher-a', 'dispatcher-b'];
let fixture: Awaited<ReturnType<typeof startProcessFixture>>;

// A barrier: the sink answers no message until both dispatchers have one in flight, so the
// first to start cannot send everything before the other claims (a loaded machine may start
// one process long after the other). Once both are sending, every claim is a race. Released
// after a while regardless, so a dispatcher that never sends fails the test below.
const bothSending = Promise.withResolvers<void>();
const sendingFrom = new Set<string>();
function holdUntilBothSend({ ehlo }: { ehlo: string }): Promise<void> {
  if (sendingFrom.size === 0) setTimeout(bothSending.resolve, 30_000).unref();
  sendingFrom.add(ehlo);
  if (DISPATCHERS.every((name) => sendingFrom.has(name))) bothSending.resolve();
  return bothSending.promise;
}

beforeAll(async () => {
  fixture = await startProcessFixture({ hold: holdUntilBothSend });
});
afterAll(() => fixture?.close());

it('two dispatcher processes on one campaign share the work and send nobody twice', async () => {
  const { sink, db } = fixture;
  const ref = await fixture.campaignTo(RECIPIENTS, 'both');
  const dispatchers = DISPATCHERS.map((name) => fixture.run(name, ref, { batchSize: 20, leaseSeconds: 60 }));
  await Promise.all(dispatchers.map((d) => d.ready));
  for (const d of dispatchers) d.go();

  const results = await Promise.all(dispatchers.map((d) => d.exited));
  expect(results.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, '']]);

  expect(sink.received).toHaveLength(RECIPIENTS);
  expect(sink.countsByAddress().size).toBe(RECIPIENTS);
  for (const name of DISPATCHERS) expect(sink.received.filter((r) => r.ehlo === name).length, `${name} sent some`).toBeGreaterThan(0);
  expect(await recipientCounts(db.primary, ref)).toEqual({ sent: RECIPIENTS });

  // one of them started the campaign and one finished it: each said so once
  expect(await fixture.thread(ref)).toEqual([
    `Sending started to ${RECIPIENTS} of ${RECIPIENTS} recipients.`,
    `Sending finished: ${RECIPIENTS} sent, 0 failed, 0 skipped, 0 unknown (${RECIPIENTS} recipients).`,
  ]);
}, 120_000);
