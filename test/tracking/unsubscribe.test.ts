import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { importCsv } from '../../src/imports/import.ts';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { campaignRow, countRows, recipientCounts, seedAccount, seedCampaign, seedContacts, seedList, startDeliveryHarness } from '../helpers/delivery.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let sink: SmtpSink;
let harness: Awaited<ReturnType<typeof startDeliveryHarness>>;
let userId: string;
let listId: bigint;
let first: CampaignRef;

beforeAll(async () => {
  db = await openTestDatabase();
  sink = await startSmtpSink();
  harness = await startDeliveryHarness(db, sink.url());
  userId = await seedAccount(db.primary);
  const ids = await seedContacts(db.primary, userId, [
    { email: 'ann@example.org', first_name: 'Ann' },
    { email: 'bob@example.org', first_name: 'Bob' },
  ]);
  listId = await seedList(db.primary, userId, ids);
  first = await seedCampaign(db.primary, userId, { listIds: [listId], subject: 'First' });
  expect(await harness.sendUntilSettled(first)).toBe('sent');
});

afterAll(async () => {
  await harness?.close();
  await sink?.close();
  await db?.close();
});

/** The List-Unsubscribe URL of the email `to` received for `subject`. */
function unsubscribeUrl(to: string, subject: string): string {
  const mail = sink.to(to).find((r) => r.mail?.subject === subject)?.mail;
  const url = (mail?.headers.get('list') as { unsubscribe?: { url?: string } } | undefined)?.unsubscribe?.url;
  if (!url) throw new Error(`no List-Unsubscribe URL for ${to}`);
  return url;
}

const contactStatus = (email: string) =>
  db.primary.oneFirst(sql.type(z.object({ status: z.string() }))`SELECT status FROM contacts WHERE user_id = ${userId} AND email = ${email}`);

const oneClick = (url: string, body = 'List-Unsubscribe=One-Click') =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

describe('one-click unsubscribe (RFC 8058)', () => {
  it('GET only shows a confirmation page and changes nothing', async () => {
    const before = await countRows(db.primary, 'email_events');
    const page = await fetch(unsubscribeUrl('bob@example.org', 'First'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect(await contactStatus('bob@example.org')).toBe('subscribed');
    expect(await countRows(db.primary, 'email_events')).toBe(before);
  });

  it('POST with the one-click body unsubscribes without any cookie, once', async () => {
    const url = unsubscribeUrl('ann@example.org', 'First');
    const response = await oneClick(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toContain('You are unsubscribed');
    expect(await contactStatus('ann@example.org')).toBe('unsubscribed');
    expect((await oneClick(url)).status).toBe(200);
    const unsubscribedEvents = await db.primary.oneFirst(sql.type(z.object({ n: z.bigint() }))`
      SELECT count(*) AS n FROM email_events WHERE user_id = ${userId} AND event_type = 'unsubscribed'`);
    expect(unsubscribedEvents).toBe(1n);
    expect(await db.primary.oneFirst(sql.type(z.object({ emails_unsubscribed: z.number() }))`
      SELECT emails_unsubscribed FROM campaigns WHERE user_id = ${userId} AND id = ${first.campaignId}`)).toBe(1);
  });

  it('answers 404 to a forged token and 413 to an oversized body, writing nothing', async () => {
    const url = unsubscribeUrl('bob@example.org', 'First');
    const before = await countRows(db.primary, 'email_events');
    expect((await oneClick(`${url.slice(0, -2)}${url.endsWith('AA') ? 'BB' : 'AA'}`)).status).toBe(404);
    expect((await oneClick(url, 'x'.repeat(64 * 1024))).status).toBe(413);
    expect(await contactStatus('bob@example.org')).toBe('subscribed');
    expect(await countRows(db.primary, 'email_events')).toBe(before);
  });

  it('a later campaign skips the unsubscribed contact', async () => {
    const later = await seedCampaign(db.primary, userId, { listIds: [listId], subject: 'Later' });
    expect(await harness.sendUntilSettled(later)).toBe('sent');
    expect(sink.to('ann@example.org').map((r) => r.mail?.subject)).toEqual(['First']);
    expect(await recipientCounts(db.primary, later)).toEqual({ sent: 1, skipped: 1 });
    expect((await campaignRow(db.primary, later)).recipients_total).toBe(2);
  });

  it('re-importing the contact keeps it unsubscribed', async () => {
    const csv = Buffer.from('email,first_name\nann@example.org,Ann Again\ncarl@example.org,Carl\n');
    const report = await importCsv(db, { userId, memberId: 'UADMIN' }, listId, { bytes: csv, fileId: null, filename: 'again.csv' });
    expect(report.suppressedCount).toBe(1);
    expect(await contactStatus('ann@example.org')).toBe('unsubscribed');
    const again = await seedCampaign(db.primary, userId, { listIds: [listId], subject: 'Again' });
    expect(await harness.sendUntilSettled(again)).toBe('sent');
    expect(sink.to('ann@example.org').map((r) => r.mail?.subject)).toEqual(['First']);
    expect(sink.to('carl@example.org').map((r) => r.mail?.subject)).toEqual(['Again']);
  });
});
