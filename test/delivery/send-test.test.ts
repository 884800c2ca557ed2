import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { lockRecentTestEmails, recordCampaignAudit, TEST_SEND_ACTION } from '../../src/db/campaigns.ts';
import { clearTestSend, sendTestEmail, TEST_EMAILS_PER_HOUR } from '../../src/delivery/send-test.ts';
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

/** Each test sends as a member of its own, so the hourly allowance of one does not limit another. */
let memberCount = 0;
const sendTest = async (to: readonly string[], options: { contactId?: bigint; member?: string } = {}) =>
  sendTestEmail(deps(), await clearTestSend(db.primary, options.member ?? `UMEMBER${++memberCount}`, ref, to), options);

const FIVE = ['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org', 'e@example.org'];

const refusal = async (promise: Promise<unknown>): Promise<UserError> => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
};

const ledger = async () => ({
  recipients: await db.primary.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM campaign_recipients`),
  events: await countRows(db.primary, 'email_events'),
  links: await countRows(db.primary, 'campaign_links'),
  quota: await db.primary.oneFirst(sql.type(z.object({ monthly_emails_sent: z.number() }))`SELECT monthly_emails_sent FROM users WHERE id = ${ref.userId}`),
});

describe('send test (pre-flight)', () => {
  it('renders the campaign for a sample contact and sends it to the given addresses, touching no ledger, event, link or quota', async () => {
    const before = await ledger();
    expect(await sendTest([' QA@example.org', 'boss@example.org'])).toEqual({ sentTo: ['qa@example.org', 'boss@example.org'], notSent: [] });
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
    await sendTest(['qa@example.org'], { contactId });
    expect(sink.received.at(-1)?.mail?.subject).toBe('[Test] Hello Ann');
    expect(sink.received.at(-1)?.mail?.html).toContain('Plan: pro');
  });

  it('sends to the addresses the mail server takes and gives its reason for each it refuses', async () => {
    const count = sink.received.length;
    expect(await sendTest(['nobody@example.org', 'qa@example.org'])).toEqual({
      sentTo: ['qa@example.org'],
      notSent: [{ address: 'nobody@example.org', reason: expect.stringContaining('550 5.1.1 No such user here') }],
    });
    expect(sink.received.slice(count).map((r) => r.to)).toEqual(['qa@example.org']);
  });

  it('says what is wrong with the addresses and sends nothing', async () => {
    const count = sink.received.length;
    expect((await refusal(sendTest(['not-an-address']))).fields).toEqual({ addresses: 'Give 1 to 5 valid email addresses to send the test to.' });
    await expect(sendTest([])).rejects.toThrow(UserError);
    expect(sink.received.length).toBe(count);
  });

  it('refuses, naming each and why, addresses of contacts who unsubscribed, bounced or complained, removed ones included', async () => {
    await seedContacts(db.primary, ref.userId, [
      { email: 'gone@example.org', status: 'unsubscribed' },
      { email: 'angry@example.org', status: 'complained' },
      { email: 'dead@example.org', status: 'bounced', deleted: true },
      { email: 'left@example.org', deleted: true },
    ]);
    const count = sink.received.length;
    const refused = await refusal(sendTest(['qa@example.org', 'Angry@example.org', 'dead@example.org', 'gone@example.org']));
    expect(refused.fields).toEqual({
      addresses: 'Herald does not send to contacts who opted out or cannot take mail, tests included: angry@example.org marked an email as spam; ' +
        'dead@example.org bounced (the address does not take mail); gone@example.org unsubscribed. Remove those addresses and send again.',
    });
    expect(sink.received.length).toBe(count);
    // a subscribed contact, or one removed while subscribed, is mailed as any other address
    expect(await sendTest(['ann@example.org', 'left@example.org'])).toEqual({ sentTo: ['ann@example.org', 'left@example.org'], notSent: [] });
  });

  it(`lets a member send ${TEST_EMAILS_PER_HOUR} test emails an hour, counted in the database, and no more`, async () => {
    const member = 'UBUSY';
    for (let i = 0; i < 3; i++) await sendTest(FIVE, { member });
    // another process is recording the last 5 for this member: a test submitted meanwhile waits
    // for it, and is counted after it (without the lock it counted 15 and went out)
    let recorded = () => {};
    let release = () => {};
    const released = new Promise<void>((resolve) => { release = resolve; });
    const otherProcess = new Promise<void>((resolve) => { recorded = resolve; });
    const holder = db.primary.transaction(async (tx) => {
      expect(await lockRecentTestEmails(tx, ref.userId, member)).toBe(15);
      await recordCampaignAudit(tx, ref.userId, ref.campaignId, { actor: member, action: TEST_SEND_ACTION, fromStatus: null, toStatus: null, payload: { to: FIVE } });
      recorded();
      await released;
    });
    await otherProcess;
    const meanwhile = refusal(clearTestSend(db.primary, member, ref, ['f@example.org']));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await holder;
    expect((await meanwhile).fields?.addresses).toMatch(/^You have sent 20 test emails/);
    const count = sink.received.length;
    const refused = await refusal(sendTest(['qa@example.org'], { member }));
    expect(refused.fields).toEqual({ addresses: 'You have sent 20 test emails in the last hour, and a member may send 20 an hour, ' +
      'so none can go now. Try again later: each test email stops counting an hour after it was sent.' });
    expect(sink.received.length).toBe(count);
    // another member has an allowance of their own; an hour later the sends stop counting
    await sendTest(['qa@example.org'], { member: 'UOTHER' });
    await db.primary.query(sql.unsafe`UPDATE audit_log SET created_at = created_at - interval '61 minutes' WHERE actor = ${member}`);
    expect((await sendTest(['qa@example.org'], { member })).sentTo).toEqual(['qa@example.org']);
  });

  it('says how many addresses are left when a test would pass the hourly allowance', async () => {
    const member = 'UALMOST';
    for (const to of [FIVE, FIVE, FIVE, FIVE.slice(0, 3)]) await sendTest(to, { member });
    const refused = await refusal(sendTest(['a@example.org', 'b@example.org', 'c@example.org'], { member }));
    expect(refused.fields?.addresses).toBe('You have sent 18 test emails in the last hour, and a member may send 20 an hour, ' +
      'so this test can go to 2 addresses at most. Try again later: each test email stops counting an hour after it was sent.');
  });

  it('records each test send in the audit log: who sent which campaign where', async () => {
    await sendTest(['qa@example.org', 'boss@example.org'], { member: 'UAUDITED' });
    expect(await db.primary.any(sql.type(z.object({ action: z.string(), entity_id: z.bigint(), payload: z.unknown() }))`
      SELECT action, entity_id, payload FROM audit_log WHERE actor = 'UAUDITED'`))
      .toEqual([{ action: 'send_test', entity_id: ref.campaignId, payload: { to: ['qa@example.org', 'boss@example.org'] } }]);
  });
});
