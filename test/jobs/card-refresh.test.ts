import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { refreshMovedCards } from '../../src/jobs/card-refresh.ts';
import { ADMIN } from '../helpers/campaigns.ts';
import { startTestHerald, textOf, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
let userId: string;
let campaignId: bigint;
let cardTs: string;
let contacts: bigint[];

const deps = () => ({ db: herald.db.primary, notifier: herald.notifier, log: herald.services.log });
const cardText = () => textOf(herald.slack.messages.find((m) => m.ts === cardTs)?.blocks);
const openBy = (contactId: bigint) => herald.db.primary.query(sql.unsafe`
  INSERT INTO email_events (user_id, campaign_id, contact_id, event_type) VALUES (${userId}, ${campaignId}, ${contactId}, 'opened')`);

beforeAll(async () => {
  herald = await startTestHerald();
  await herald.command('members', ADMIN);
  const db = herald.db.primary;
  userId = await db.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'T1'`);
  const posted = await herald.web.app.client.chat.postMessage({ channel: 'CMARKETING', text: 'card' });
  cardTs = posted.ts!;
  campaignId = await db.oneFirst(sql.type(z.object({ id: z.bigint() }))`
    INSERT INTO campaigns (user_id, name, subject, html_content, status, sent_at, slack_channel_id, slack_message_ts)
    VALUES (${userId}, 'Card numbers', 'Hello', '<p>Hi</p>', 'sent', now(), 'CMARKETING', ${cardTs}) RETURNING id`);
  contacts = [...await db.anyFirst(sql.type(z.object({ id: z.bigint() }))`
    WITH c AS (INSERT INTO contacts (user_id, email) VALUES (${userId}, 'a@example.org'), (${userId}, 'b@example.org') RETURNING id, email)
    INSERT INTO campaign_recipients (user_id, campaign_id, contact_id, email, status, delivered_at)
    SELECT ${userId}, ${campaignId}, id, email, 'sent', now() FROM c RETURNING contact_id AS id`)];
  await db.query(sql.unsafe`UPDATE campaigns SET emails_sent = 2, emails_delivered = 2 WHERE id = ${campaignId}`);
});
afterAll(() => herald.close());

describe('card refresh job', () => {
  it('redraws a sent campaign card when opens arrive, once per change, across two workers', async () => {
    expect(await refreshMovedCards(deps())).toBe(1); // first drawing of the counters
    await openBy(contacts[0]!);
    const [first, second] = await Promise.all([refreshMovedCards(deps()), refreshMovedCards(deps())]);
    expect(first + second).toBe(1);
    expect(cardText()).toContain('opens 50%');
    expect(await refreshMovedCards(deps())).toBe(0);
    await openBy(contacts[1]!);
    expect(await refreshMovedCards(deps())).toBe(1);
    expect(cardText()).toContain('opens 100%');
  });

  it('leaves cards of campaigns sent long ago alone', async () => {
    await herald.db.primary.query(sql.unsafe`UPDATE campaigns SET sent_at = now() - interval '30 days' WHERE id = ${campaignId}`);
    await openBy(contacts[0]!); // a repeat open changes no counter
    await herald.db.primary.query(sql.unsafe`UPDATE campaigns SET emails_clicked = 1 WHERE id = ${campaignId}`);
    expect(await refreshMovedCards(deps())).toBe(0);
  });
});
