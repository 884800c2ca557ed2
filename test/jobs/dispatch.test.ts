import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import { openTestDatabase } from '../helpers/db.ts';
import {
  campaignRow,
  recipientCounts,
  seedAccount,
  seedCampaign,
  seedContacts,
  seedList,
  startDeliveryHarness,
  type ContactSeed,
} from '../helpers/delivery.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const HTML = `<html><body>
<p>Hi {{first_name}} from {{company}}</p>
<p><a href="https://shop.example/offer?x=1&amp;y=2">See the <b>offer</b></a> or <a href="mailto:help@herald.example">write</a></p>
<p><a href="{{unsubscribe_url}}">Leave this list</a></p>
</body></html>`;

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let sink: SmtpSink;
let harness: Awaited<ReturnType<typeof startDeliveryHarness>>;
let ref: CampaignRef;
let contacts: ContactSeed[];
const SUPPRESSED = new Map<number, ContactSeed['status']>([[5, 'unsubscribed'], [6, 'bounced'], [7, 'complained']]);
const DELETED = 8;
const HOSTILE = 9;

beforeAll(async () => {
  db = await openTestDatabase();
  sink = await startSmtpSink();
  harness = await startDeliveryHarness(db, sink.url());
  const userId = await seedAccount(db.primary);
  contacts = Array.from({ length: 2000 }, (_, i) => ({
    email: `person${i}@example.org`,
    first_name: i === HOSTILE ? '<b>Bold</b>' : `First${i}`,
    custom_fields: { company: i === HOSTILE ? '<script>x()</script>' : `Co ${i}` },
    status: SUPPRESSED.get(i) ?? 'subscribed',
    deleted: i === DELETED,
  }));
  const ids = await seedContacts(db.primary, userId, contacts);
  // two lists overlapping on 400 contacts
  const listA = await seedList(db.primary, userId, ids.slice(0, 1200));
  const listB = await seedList(db.primary, userId, ids.slice(800));
  ref = await seedCampaign(db.primary, userId, { listIds: [listA, listB], subject: 'News for {{first_name}}', html: HTML });
  await harness.postCard(ref);
  expect(await harness.sendUntilSettled(ref)).toBe('sent');
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await sink?.close();
  await db?.close();
});

const messageTo = (i: number) => {
  const [message] = sink.to(`person${i}@example.org`);
  if (!message?.mail) throw new Error(`person${i} received nothing`);
  return message.mail;
};

describe('a campaign to 2,000 contacts on two overlapping lists', () => {
  it('sends exactly one email to every unique, non-suppressed contact', async () => {
    const expected = contacts.filter((c, i) => c.status === 'subscribed' && i !== DELETED).map((c) => c.email).sort();
    expect(expected).toHaveLength(1996);
    expect(sink.received).toHaveLength(1996);
    expect([...sink.countsByAddress().keys()].sort()).toEqual(expected);
    expect(Math.max(...sink.countsByAddress().values())).toBe(1);
  });

  it('ends with every recipient accounted for, the suppressed ones skipped with a reason', async () => {
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 1996, skipped: 4 });
    const row = await campaignRow(db.primary, ref);
    expect(row).toMatchObject({ status: 'sent', recipients_total: 2000, emails_sent: 1996 });
    const reasons = await db.primary.anyFirst(sql.type(z.object({ error: z.string() }))`
      SELECT error FROM campaign_recipients WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId}
         AND status = 'skipped' ORDER BY error`);
    expect(reasons).toEqual(['contact bounced', 'contact complained', 'contact deleted', 'contact unsubscribed']);
  });

  it('fills the merge fields in subject, HTML and text, with the postal address in the footer', () => {
    const mail = messageTo(10);
    expect(mail.subject).toBe('News for First10');
    expect(mail.html).toContain('Hi First10 from Co 10');
    expect(mail.text).toContain('Hi First10 from Co 10');
    expect(mail.html).toContain('1 Harbour Street');
    expect(mail.text).toContain('1 Harbour Street');
    expect(mail.from?.value).toEqual([{ name: 'Herald News', address: 'news@herald.example' }]);
  });

  it('escapes contact data in HTML', () => {
    const html = String(messageTo(HOSTILE).html);
    expect(html).toContain('Hi &lt;b&gt;Bold&lt;/b&gt; from &lt;script&gt;x()&lt;/script&gt;');
    expect(html).not.toContain('<script>');
  });

  it('carries List-Unsubscribe (URL and mailto), one-click List-Unsubscribe-Post and our Message-ID', async () => {
    const mail = messageTo(11);
    const list = mail.headers.get('list') as { unsubscribe: { url: string; mail: string }; 'unsubscribe-post': { name: string } };
    expect(list.unsubscribe.url).toMatch(new RegExp(`^${harness.base}/u/[A-Za-z0-9_-]+$`));
    expect(list.unsubscribe.mail).toBe('unsubscribe@herald.example?subject=unsubscribe');
    expect(list['unsubscribe-post'].name).toBe('List-Unsubscribe=One-Click');
    const stored = await db.primary.oneFirst(sql.type(z.object({ message_id: z.string() }))`
      SELECT message_id FROM campaign_recipients WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId}
         AND email = 'person11@example.org'`);
    expect(mail.messageId).toBe(stored);
  });

  it("carries the campaign's List-Id, the same on every message", () => {
    const listIds = new Set(sink.received.map((received) => received.mail?.headerLines.find((h) => h.key === 'list-id')?.line));
    expect([...listIds]).toEqual([expect.stringMatching(new RegExp(`^List-ID: "campaign-\\w+" <campaign-${ref.campaignId}\\.[a-z0-9]+\\.herald\\.example>$`))]);
  });

  it('rewrites http links to click URLs stored in campaign_links, keeps mailto and the unsubscribe link, adds an open pixel', async () => {
    const html = String(messageTo(12).html);
    expect(html).not.toContain('https://shop.example/offer');
    expect(html).toContain('href="mailto:help@herald.example"');
    expect(html).toMatch(new RegExp(`<a href="${harness.base}/t/c/[A-Za-z0-9_-]+">See the <b>offer</b></a>`));
    expect(html).toMatch(new RegExp(`<img src="${harness.base}/t/o/[A-Za-z0-9_-]+"`));
    const unsubscribe = (messageTo(12).headers.get('list') as { unsubscribe: { url: string } }).unsubscribe.url;
    expect(html).toContain(`href="${unsubscribe}">Leave this list`);
    const links = await db.primary.any(sql.type(z.object({ url: z.string(), link_text: z.string().nullable() }))`
      SELECT url, link_text FROM campaign_links WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId}`);
    expect(links).toEqual([{ url: 'https://shop.example/offer?x=1&y=2', link_text: 'See the offer' }]);
  });

  it('has a working unsubscribe link: GET asks, POST unsubscribes', async () => {
    const mail = messageTo(13);
    const url = (mail.headers.get('list') as { unsubscribe: { url: string } }).unsubscribe.url;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('person13@example.org');
    const status = () => db.primary.oneFirst(sql.type(z.object({ status: z.string() }))`
      SELECT status FROM contacts WHERE user_id = ${ref.userId} AND email = 'person13@example.org'`);
    expect(await status()).toBe('subscribed');
    expect((await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    expect(await status()).toBe('unsubscribed');
  });

  it('refreshes the campaign card with the final progress', async () => {
    const card = await harness.card(ref);
    expect(JSON.stringify(card?.blocks)).toContain('*Progress:* 1,996 of 1,996 sent · 4 skipped (suppressed)');
  });

  it('reports the start and the counts in the campaign thread', async () => {
    expect(await harness.thread(ref)).toEqual([
      'Sending started to 1,996 of 2,000 recipients (4 skipped: unsubscribed, bounced, complained or deleted).',
      'Sending finished: 1,996 sent, 0 failed, 4 skipped, 0 unknown (2,000 recipients).',
    ]);
  });
});
