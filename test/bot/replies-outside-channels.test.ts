import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestHerald, textOf, type As, type Outcome, type TestHerald } from '../helpers/herald-app.ts';

/**
 * Confirmations and errors after a modal closed go to the member ephemerally in the conversation
 * it was opened from; where Herald is not a member (a private channel, a DM between colleagues,
 * a public channel it was not invited to) Slack refuses that, and they come as a DM instead,
 * saying which conversation they are about.
 */

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
  herald.slack.notMemberOf('CPRIVATE', 'private');
  herald.slack.notMemberOf('DCOLLEAGUES', 'private');
  herald.slack.notMemberOf('CPUBLIC', 'public');
});
afterAll(async () => {
  await herald.close();
});

const listNames = () => herald.db.primary.anyFirst(sql.type(z.object({ name: z.string() }))`SELECT name FROM lists ORDER BY id`);

/** Messages the app posted in the member's DM meanwhile (chat.postMessage with the member id as channel). */
const dmsTo = (outcome: Outcome, memberId: string) =>
  outcome.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === memberId)
    .map((c) => textOf({ text: c.args.text, blocks: c.args.blocks ? JSON.parse(String(c.args.blocks)) : undefined }));

async function createList(name: string, as: As): Promise<Outcome> {
  const opened = await herald.command('list create', as);
  return herald.submitView(opened.view, { name }, as);
}

describe('after a modal closed, where Herald is not in the conversation', () => {
  it('confirms /herald list create in a private channel by DM, naming the channel', async () => {
    const created = await createList('Newsletter', { user: 'UANN', channel: 'CPRIVATE' });
    expect(created.body).toBe('');
    expect(await listNames()).toEqual(['Newsletter']);
    const [dm, ...more] = dmsTo(created, 'UANN');
    expect(more).toEqual([]);
    expect(dm).toContain('Created the list *Newsletter*');
    expect(dm).toContain("Sent to you here because I can't post in <#CPRIVATE> — add me to the channel to see my messages there.");
    expect(herald.logs.filter((entry) => entry.level >= 50)).toEqual([]);
  });

  it('confirms in a DM between colleagues by DM, without pointing at the DM as a channel', async () => {
    const created = await createList('Partners', { user: 'UANN', channel: 'DCOLLEAGUES' });
    const [dm] = dmsTo(created, 'UANN');
    expect(dm).toContain('Created the list *Partners*');
    expect(dm).toContain("Sent to you here because I can't post in that direct message.");
    expect(dm).not.toContain('<#DCOLLEAGUES>');
  });

  it('confirms in a public channel Herald was not invited to by DM, without joining it for a private reply', async () => {
    const created = await createList('Press', { user: 'UANN', channel: 'CPUBLIC' });
    expect(dmsTo(created, 'UANN').join('\n')).toContain('Created the list *Press*');
    expect(created.calls.map((c) => c.method)).not.toContain('conversations.join');
  });

  it('reports an error after the modal closed by DM too, saying what was saved', async () => {
    const opened = await herald.command('template create', { user: 'UANN', channel: 'CPRIVATE' });
    // the confirmation's DM fails once (Slack's fatal_error): the error report must still reach the member
    herald.slack.failNext('chat.postMessage', 'fatal_error');
    const saved = await herald.submitView(opened.view, { name: 'Spring', subject: 'Spring news', html: '<p>Hello</p>' }, { user: 'UANN' });
    expect(saved.body).toBe('');
    const [dm, ...more] = dmsTo(saved, 'UANN').slice(1);
    expect(more).toEqual([]);
    expect(dm).toContain('Saved the template *Spring*. Something went wrong on our side after that; what was saved stays');
    expect(dm).not.toContain('nothing was changed');
    expect(dm).toContain("because I can't post in <#CPRIVATE>");
  });
});
