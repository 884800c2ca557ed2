import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { campaignRow, countRows, seedAccount, seedCampaign, seedContacts, seedList, startDeliveryHarness } from '../helpers/delivery.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const html = (url: string) => `<html><body><p>Hello {{first_name}}</p><a href="${url}">Read more</a></body></html>`;

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let sink: SmtpSink;
let harness: Awaited<ReturnType<typeof startDeliveryHarness>>;
let spring: CampaignRef;
let autumn: CampaignRef;

beforeAll(async () => {
  db = await openTestDatabase();
  sink = await startSmtpSink();
  harness = await startDeliveryHarness(db, sink.url(), {}, { TRACKING_SCANNER_WINDOW_SECONDS: '0' });
  const userId = await seedAccount(db.primary);
  const ids = await seedContacts(db.primary, userId, [
    { email: 'ann@example.org', first_name: 'Ann' },
    { email: 'bob@example.org', first_name: 'Bob' },
  ]);
  const listId = await seedList(db.primary, userId, ids);
  spring = await seedCampaign(db.primary, userId, { listIds: [listId], subject: 'Spring', html: html('https://shop.example/spring') });
  autumn = await seedCampaign(db.primary, userId, { listIds: [listId], subject: 'Autumn', html: html('https://shop.example/autumn') });
  expect(await harness.sendUntilSettled(spring)).toBe('sent');
  expect(await harness.sendUntilSettled(autumn)).toBe('sent');
});

afterAll(async () => {
  await harness?.close();
  await sink?.close();
  await db?.close();
});

/** The tracking URLs in the email `to` received for `subject`. */
function trackingUrls(to: string, subject: string) {
  const mail = sink.to(to).find((r) => r.mail?.subject === subject)?.mail;
  const body = String(mail?.html);
  const click = /<a href="([^"]+\/t\/c\/[^"]+)">Read more<\/a>/.exec(body)?.[1];
  const open = /<img src="([^"]+\/t\/o\/[^"]+)"/.exec(body)?.[1];
  if (!click || !open) throw new Error(`no tracking URLs in ${body}`);
  return { click, open };
}

const clicksOfLink = (ref: CampaignRef) =>
  db.primary.oneFirst(sql.type(z.object({ clicks: z.number() }))`
    SELECT clicks FROM campaign_links WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId}`);

async function get(url: string) {
  const response = await fetch(url, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15' } });
  await harness.runtime.events.flush();
  return response;
}

describe('click tracking from a received email', () => {
  it('redirects to the original link; three clicks raise the unique click count once', async () => {
    const { click } = trackingUrls('ann@example.org', 'Spring');
    for (let i = 0; i < 3; i++) {
      const response = await get(click);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('https://shop.example/spring');
    }
    expect((await campaignRow(db.primary, spring)).emails_clicked).toBe(1);
    expect(await clicksOfLink(spring)).toBe(3);
    const events = await db.primary.any(sql.type(z.object({ link_url: z.string(), device_type: z.string(), machine: z.boolean() }))`
      SELECT link_url, device_type, metadata ? 'machine' AS machine FROM email_events
       WHERE user_id = ${spring.userId} AND campaign_id = ${spring.campaignId} AND event_type = 'clicked'`);
    expect(events).toEqual(Array(3).fill({ link_url: 'https://shop.example/spring', device_type: 'desktop', machine: false }));
  });

  it('records the open pixel as a GIF', async () => {
    const { open } = trackingUrls('bob@example.org', 'Spring');
    const response = await get(open);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/gif');
    expect((await campaignRow(db.primary, spring)).emails_opened).toBe(1);
  });

  it('answers 404 to a forged token and writes nothing', async () => {
    const { click, open } = trackingUrls('bob@example.org', 'Autumn');
    const before = await countRows(db.primary, 'email_events');
    for (const url of [click, open]) {
      const forged = url.slice(0, -3) + (url.endsWith('AAA') ? 'BBB' : 'AAA');
      expect((await get(forged)).status).toBe(404);
    }
    expect(await countRows(db.primary, 'email_events')).toBe(before);
    expect(await clicksOfLink(autumn)).toBe(0);
  });

  it("answers 404 to a validly signed token naming another campaign's link", async () => {
    const autumnLink = await db.primary.oneFirst(sql.type(z.object({ id: z.bigint() }))`
      SELECT id FROM campaign_links WHERE user_id = ${autumn.userId} AND campaign_id = ${autumn.campaignId}`);
    const contactId = await db.primary.oneFirst(sql.type(z.object({ id: z.bigint() }))`
      SELECT id FROM contacts WHERE user_id = ${spring.userId} AND email = 'bob@example.org'`);
    const crossed = harness.urls.click({ userId: spring.userId, campaignId: spring.campaignId, contactId }, autumnLink);
    const before = await countRows(db.primary, 'email_events');
    expect((await get(crossed)).status).toBe(404);
    expect(await countRows(db.primary, 'email_events')).toBe(before);
  });

  it('stores at most 10 events a minute for one link, and still serves every request', async () => {
    const { open, click } = trackingUrls('ann@example.org', 'Autumn');
    const stored = (type: string) => db.primary.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM email_events
       WHERE user_id = ${autumn.userId} AND campaign_id = ${autumn.campaignId} AND event_type = ${type}`);
    for (let i = 0; i < 15; i++) {
      expect((await get(open)).status).toBe(200);
      expect((await get(click)).status).toBe(302);
    }
    expect(await stored('opened')).toBe(10);
    expect(await stored('clicked')).toBe(10);
    // another recipient's link has a limit of its own
    expect((await get(trackingUrls('bob@example.org', 'Autumn').open)).status).toBe(200);
    expect(await stored('opened')).toBe(11);
  });
});

describe('links with characters a Location header cannot carry', () => {
  it('redirects to the link percent-encoded (host in punycode) and records it as written', async () => {
    const written = 'https://bücher.example/café/日本 menu?q=naïve';
    const userId = await seedAccount(db.primary);
    const ids = await seedContacts(db.primary, userId, [{ email: 'dan@example.org', first_name: 'Dan' }]);
    const ref = await seedCampaign(db.primary, userId, { listIds: [await seedList(db.primary, userId, ids)], subject: 'Unicode', html: html(written) });
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    const response = await get(trackingUrls('dan@example.org', 'Unicode').click);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://xn--bcher-kva.example/caf%C3%A9/%E6%97%A5%E6%9C%AC%20menu?q=na%C3%AFve');
    expect(await clicksOfLink(ref)).toBe(1);
  });
});

describe('clicks by security scanners', () => {
  it('a click within the scanner window after sending is stored as machine-made and not counted', async () => {
    // an hour-long window, so this click certainly falls in it
    const scanning = await startDeliveryHarness(db, sink.url(), {}, { TRACKING_SCANNER_WINDOW_SECONDS: '3600' });
    try {
      const userId = await seedAccount(db.primary);
      const ids = await seedContacts(db.primary, userId, [{ email: 'carol@example.org', first_name: 'Carol' }]);
      const ref = await seedCampaign(db.primary, userId, { listIds: [await seedList(db.primary, userId, ids)], subject: 'Scanned', html: html('https://shop.example/scan') });
      expect(await scanning.sendUntilSettled(ref)).toBe('sent');
      const { click } = trackingUrls('carol@example.org', 'Scanned');
      const response = await fetch(click.replace(harness.base, scanning.base), { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0' } });
      expect(response.status).toBe(302);
      await scanning.runtime.events.flush();
      expect((await campaignRow(db.primary, ref)).emails_clicked).toBe(0);
      expect(await clicksOfLink(ref)).toBe(0);
      const reason = await db.primary.oneFirst(sql.type(z.object({ reason: z.string() }))`
        SELECT metadata->>'machine_reason' AS reason FROM email_events
         WHERE user_id = ${userId} AND campaign_id = ${ref.campaignId} AND event_type = 'clicked'`);
      expect(reason).toBe('too-soon-after-send');
    } finally {
      await scanning.close();
    }
  });
});
