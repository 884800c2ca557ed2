import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../helpers/db.ts';
import { addRecipients, createAccount, createCampaign, createContacts, createList } from '../helpers/fixtures.ts';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let a: { user: string; list: bigint; contact: bigint; campaign: bigint };
let b: { user: string; list: bigint; contact: bigint; campaign: bigint };

async function account() {
  const user = await createAccount(db.primary);
  const [contact] = await createContacts(db.primary, user, 1);
  return { user, list: await createList(db.primary, user), contact: contact!, campaign: await createCampaign(db.primary, user) };
}

beforeAll(async () => {
  db = await openTestDatabase();
  a = await account();
  b = await account();
});
afterAll(() => db.close());

const FK_VIOLATION = /foreign key/i;

describe('tenant-safe keys', () => {
  it("refuses a list_contacts row joining account A's list to account B's contact", async () => {
    await expect(db.primary.query(sql.unsafe`
      INSERT INTO list_contacts (user_id, list_id, contact_id) VALUES (${a.user}, ${a.list}, ${b.contact})`)).rejects.toThrow(FK_VIOLATION);
    await expect(db.primary.query(sql.unsafe`
      INSERT INTO list_contacts (user_id, list_id, contact_id) VALUES (${b.user}, ${a.list}, ${b.contact})`)).rejects.toThrow(FK_VIOLATION);
  });

  it("refuses a campaign_lists row targeting another account's list", async () => {
    await expect(db.primary.query(sql.unsafe`
      INSERT INTO campaign_lists (user_id, campaign_id, list_id) VALUES (${a.user}, ${a.campaign}, ${b.list})`)).rejects.toThrow(FK_VIOLATION);
  });

  it("refuses a recipient or an event of another account's contact", async () => {
    await expect(db.primary.query(sql.unsafe`
      INSERT INTO campaign_recipients (user_id, campaign_id, contact_id, email) VALUES (${a.user}, ${a.campaign}, ${b.contact}, 'x@example.com')`)).rejects.toThrow(FK_VIOLATION);
    await expect(db.primary.query(sql.unsafe`
      INSERT INTO email_events (user_id, campaign_id, contact_id, event_type) VALUES (${a.user}, ${a.campaign}, ${b.contact}, 'opened')`)).rejects.toThrow(FK_VIOLATION);
  });

  it("refuses a campaign built on another account's template", async () => {
    const template = await db.primary.oneFirst(sql.unsafe`
      INSERT INTO templates (user_id, name, html_content) VALUES (${b.user}, 'tb', '<p/>') RETURNING id`);
    await expect(db.primary.query(sql.unsafe`
      INSERT INTO campaigns (user_id, name, subject, template_id) VALUES (${a.user}, 'cross', 's', ${template as bigint})`)).rejects.toThrow(FK_VIOLATION);
  });

  it('accepts the same rows within one account', async () => {
    await db.primary.query(sql.unsafe`INSERT INTO list_contacts (user_id, list_id, contact_id) VALUES (${a.user}, ${a.list}, ${a.contact})`);
    await db.primary.query(sql.unsafe`INSERT INTO campaign_lists (user_id, campaign_id, list_id) VALUES (${a.user}, ${a.campaign}, ${a.list})`);
    await addRecipients(db.primary, a.user, a.campaign, [a.contact]);
    await db.primary.query(sql.unsafe`
      INSERT INTO email_events (user_id, campaign_id, contact_id, event_type) VALUES (${a.user}, ${a.campaign}, ${a.contact}, 'sent')`);
  });
});
