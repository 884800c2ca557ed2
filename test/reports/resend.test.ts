import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CAMPAIGN_ACTIONS } from '../../src/bot/views/campaign-ids.ts';
import { RESEND_NON_OPENERS_ACTION, STATS_ACTION } from '../../src/bot/views/stats.ts';
import { markSent, recordEvents } from '../helpers/campaign-events.ts';
import { addRecipients, createCampaign, createContacts } from '../helpers/fixtures.ts';
import { startTestHerald, textOf, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
let userId: string;
let contacts: readonly bigint[];
let originalId: bigint;

beforeAll(async () => {
  herald = await startTestHerald();
  await herald.command('help');
  userId = await herald.db.primary.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'T1'`);
  contacts = await createContacts(herald.db.primary, userId, 10);
  originalId = await createCampaign(herald.db.primary, userId, 'Autumn');
  await herald.db.primary.query(sql.unsafe`
    UPDATE campaigns SET from_email = 'news@example.com', html_content = '<p>Autumn is here</p>' WHERE user_id = ${userId} AND id = ${originalId}`);
  await addRecipients(herald.db.primary, userId, originalId, contacts);
  const [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9] = contacts as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  await recordEvents(herald.db.primary, userId, originalId, [
    { contactId: c0, type: 'bounced', bounceType: 'hard' },
    ...[c1, c2, c3, c4, c5, c6, c7, c8, c9].map((contactId) => ({ contactId, type: 'delivered' as const })),
    ...[c1, c2, c3, c4].map((contactId) => ({ contactId, type: 'opened' as const })),
    { contactId: c5, type: 'opened', machine: true }, // a privacy proxy, not a person
    { contactId: c6, type: 'unsubscribed' },
  ]);
  await markSent(herald.db.primary, userId, originalId, new Date(Date.now() - 86_400_000));
});
afterAll(() => herald.close());

describe('resend to non-openers', () => {
  it('offers a modal from the stats, refuses a bad number of days, and drafts a campaign for exactly the non-openers', async () => {
    const stats = await herald.action(STATS_ACTION, { value: String(originalId), channel: 'CCAMP', message: { ts: '1700000600.000100', text: '' } });
    expect(stats.text).toContain('Resend to non-openers…');

    const opened = await herald.action(RESEND_NON_OPENERS_ACTION, { value: String(originalId), channel: 'CCAMP' });
    expect(opened.view?.callback_id).toBe('resend_non_openers');
    // delivered 9, opened by people 4 (the proxy open is not counted), 1 unsubscribed since
    expect(textOf(opened.view)).toContain('for the 4 people it reached');

    const bad = await herald.submitView(opened.view, { after_days: '90' });
    expect(bad.json).toEqual({ response_action: 'errors', errors: { after_days: 'Enter a whole number of days from 1 to 30.' } });
    const campaigns = () => herald.db.primary.anyFirst(sql.type(z.object({ name: z.string() }))`
      SELECT name FROM campaigns WHERE user_id = ${userId} ORDER BY id`);
    expect(await campaigns()).toEqual(['Autumn']);

    const done = await herald.submitView(opened.view, { after_days: '3' });
    expect(done.status).toBe(200);
    expect(await campaigns()).toEqual(['Autumn', 'Autumn – non-openers']);
    const resend = await herald.db.primary.one(sql.type(z.object({ id: z.bigint(), status: z.string(), subject: z.string(), html_content: z.string(), created_by: z.string(), scheduled_at: z.date().nullable() }))`
      SELECT id, status, subject, html_content, created_by, scheduled_at FROM campaigns WHERE user_id = ${userId} AND name = 'Autumn – non-openers'`);
    expect(resend).toMatchObject({ status: 'draft', subject: 'Hello', html_content: '<p>Autumn is here</p>', created_by: 'UADMIN' });
    const audience = await herald.db.primary.anyFirst(sql.type(z.object({ contact_id: z.bigint() }))`
      SELECT lc.contact_id FROM campaign_lists cl JOIN list_contacts lc ON lc.user_id = cl.user_id AND lc.list_id = cl.list_id
       WHERE cl.user_id = ${userId} AND cl.campaign_id = ${resend.id} ORDER BY lc.contact_id`);
    // reached, not opened by a person, still reachable: c5 (proxy open only), c7, c8, c9 — not c6 (unsubscribed), not c0 (bounced)
    expect(audience).toEqual([contacts[5], contacts[7], contacts[8], contacts[9]]);

    const card = herald.slack.messages.find((m) => m.channel === 'CCAMP' && m.text?.includes('Autumn – non-openers'));
    const buttons = card!.blocks!.flatMap((b) => b.elements ?? []).map((e: { action_id?: string }) => e.action_id);
    expect(buttons).toContain(CAMPAIGN_ACTIONS.requestApproval);
    expect(done.text).toContain('for 4 non-openers');
  });

  it('refuses a second resend of the same campaign, and a resend of a campaign not sent yet', async () => {
    const opened = await herald.action(RESEND_NON_OPENERS_ACTION, { value: String(originalId), channel: 'CCAMP' });
    const again = await herald.submitView(opened.view, { after_days: '3' });
    expect(again.json.errors.after_days).toContain('exists already');

    const draftId = await createCampaign(herald.db.primary, userId, 'Winter');
    const notSent = await herald.action(RESEND_NON_OPENERS_ACTION, { value: String(draftId), channel: 'CCAMP' });
    const refused = await herald.submitView(notSent.view, { after_days: '3' });
    expect(refused.json.errors.after_days).toContain('has not finished sending');
  });
});

describe('resend to non-openers, a large audience', () => {
  it('closes the form before filling the list, then drafts the resend and says so', async () => {
    const ids = await createContacts(herald.db.primary, userId, 3, 'summer');
    const summerId = await createCampaign(herald.db.primary, userId, 'Summer');
    await herald.db.primary.query(sql.unsafe`
      UPDATE campaigns SET from_email = 'news@example.com', html_content = '<p>Summer is here</p>' WHERE user_id = ${userId} AND id = ${summerId}`);
    await addRecipients(herald.db.primary, userId, summerId, ids);
    await recordEvents(herald.db.primary, userId, summerId, ids.map((contactId) => ({ contactId, type: 'delivered' as const })));
    await markSent(herald.db.primary, userId, summerId, new Date(Date.now() - 86_400_000));
    const opened = await herald.action(RESEND_NON_OPENERS_ACTION, { value: String(summerId), channel: 'CCAMP' });

    // filling the list stands for a slow one: list_contacts is locked against writes until the form's answer came
    let release = () => {};
    const unlocked = new Promise<void>((resolve) => { release = resolve; });
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => { locked = resolve; });
    const holding = herald.db.primary.transaction(async (tx) => {
      await tx.query(sql.unsafe`LOCK TABLE list_contacts IN SHARE ROW EXCLUSIVE MODE`);
      locked();
      await unlocked;
    });
    await isLocked;
    try {
      const answer = await Promise.race([
        herald.sendView(opened.view, { after_days: '3' }).then((r) => r.text()),
        new Promise<string>((resolve) => setTimeout(() => resolve('no answer'), 2_500)),
      ]);
      expect(answer).toBe('');
    } finally {
      release();
      await holding;
    }
    await herald.web.idle();
    const names = await herald.db.primary.anyFirst(sql.type(z.object({ name: z.string() }))`
      SELECT name FROM campaigns WHERE user_id = ${userId} AND name LIKE 'Summer%' ORDER BY id`);
    expect(names).toEqual(['Summer', 'Summer – non-openers']);
    const told = herald.slack.calls.filter((c) => c.method === 'chat.postEphemeral' && c.args.channel === 'CCAMP').map((c) => String(c.args.text));
    expect(told.at(-1)).toBe('Drafted *Summer – non-openers* for 3 non-openers. Request approval from its card when it looks right.');
  });
});
