import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sendTestEmail } from '../../src/delivery/send-test.ts';
import { UserError } from '../../src/errors.ts';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { countRows, seedAccount, seedCampaign, seedContacts, seedList, startDeliveryHarness } from '../helpers/delivery.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let sink: SmtpSink;
let harness: Awaited<ReturnType<typeof startDeliveryHarness>>;
let ref: CampaignRef;
let contactId: bigint;

beforeAll(async () => {
  db = await openTestDatabase();
  sink = await startSmtpSink({ rcpt: (address) => (address === 'nobody@example.org' ? { code: 550, message: '5.1.1 No such user here' } : undefined) });
  harness = await startDeliveryHarness(db, sink.url());
  const userId = await seedAccount(db.primary, { monthlyLimit: 100, sentThisMonth: 7 });
  [contactId] = (await seedContacts(db.primary, userId, [{ email: 'ann@example.org', first_name: 'Ann', custom_fields: { plan: 'pro' } }])) as [bigint];
  ref = await seedCampaign(db.primary, userId, {
    listIds: [await seedList(db.primary, userId, [contactId])],
    status: 'draft',
    subject: 'Hello {{first_name}}',
    html: '<p>Plan: {{plan}}</p><a href="https://shop.example/x">Shop</a>',
  });
});

afterAll(async () => {
  await harness?.close();
  await sink?.close();
  await db?.close();
});

const deps = () => ({ db: db.primary, transport: harness.transport, publicUrl: harness.base, defaultFrom: 'herald@herald.example' });

const ledger = async () => ({
  recipients: await db.primary.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM campaign_recipients`),
  events: await countRows(db.primary, 'email_events'),
  links: await countRows(db.primary, 'campaign_links'),
  quota: await db.primary.oneFirst(sql.type(z.object({ monthly_emails_sent: z.number() }))`SELECT monthly_emails_sent FROM users WHERE id = ${ref.userId}`),
});

describe('send test (pre-flight)', () => {
  it('renders the campaign for a sample contact and sends it to the given addresses, touching no ledger, event, link or quota', async () => {
    const before = await ledger();
    expect(await sendTestEmail(deps(), ref, { to: [' QA@example.org', 'boss@example.org'] })).toEqual({ sentTo: ['qa@example.org', 'boss@example.org'], notSent: [] });
    // sent side by side: in any order
    expect(sink.received.map((r) => [r.to, r.mail?.subject]).sort()).toEqual([
      ['boss@example.org', '[Test] Hello Alex'],
      ['qa@example.org', '[Test] Hello Alex'],
    ]);
    const html = String(sink.received[0]?.mail?.html);
    expect(html).toContain('<a href="https://shop.example/x">Shop</a>');
    const unsubscribe = (sink.received[0]?.mail?.headers.get('list') as { unsubscribe: { url: string } }).unsubscribe.url;
    const page = await fetch(unsubscribe, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    expect(await page.text()).toContain('This was a test email');
    expect(await ledger()).toEqual(before);
  });

  it('uses a real contact when one is named', async () => {
    await sendTestEmail(deps(), ref, { to: ['qa@example.org'], contactId });
    expect(sink.received.at(-1)?.mail?.subject).toBe('[Test] Hello Ann');
    expect(sink.received.at(-1)?.mail?.html).toContain('Plan: pro');
  });

  it('sends to the addresses the mail server takes and gives its reason for each it refuses', async () => {
    const count = sink.received.length;
    expect(await sendTestEmail(deps(), ref, { to: ['nobody@example.org', 'qa@example.org'] })).toEqual({
      sentTo: ['qa@example.org'],
      notSent: [{ address: 'nobody@example.org', reason: expect.stringContaining('550 5.1.1 No such user here') }],
    });
    expect(sink.received.slice(count).map((r) => r.to)).toEqual(['qa@example.org']);
  });

  it('says what is wrong with the addresses and sends nothing', async () => {
    const count = sink.received.length;
    const error = await sendTestEmail(deps(), ref, { to: ['not-an-address'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).fields).toEqual({ addresses: 'Give 1 to 5 valid email addresses to send the test to.' });
    await expect(sendTestEmail(deps(), ref, { to: [] })).rejects.toThrow(UserError);
    expect(sink.received.length).toBe(count);
  });
});
