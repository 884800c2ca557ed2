import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHOR, EDITOR, setUpCampaignTeam, type CampaignRow, type CampaignTeam } from '../helpers/campaigns.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

/**
 * The *Send test* modal closes as soon as the form is valid, however slow the mail server: the
 * mail goes out after the ack, and the thread says where it went and what the server refused.
 */

let herald: TestHerald;
let team: CampaignTeam;
let sink: SmtpSink;
let campaign: CampaignRow;
/** While set, the sink holds its reply to every message until it is called. */
let holdUntil: Promise<void> | undefined;

beforeAll(async () => {
  sink = await startSmtpSink({
    rcpt: (address) => (address === 'nobody@acme.test' ? { code: 550, message: '5.1.1 No such user here' } : undefined),
    hold: () => holdUntil ?? Promise.resolve(),
  });
  herald = await startTestHerald({ env: { SMTP_URL: sink.url() } });
  team = await setUpCampaignTeam(herald, [{ email: 'ann@example.com', first_name: 'Ann' }, { email: 'bob@example.com', first_name: 'Bob' }]);
  campaign = await team.draft('Tested');
});
afterAll(async () => {
  await herald?.close();
  await sink?.close();
});

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms))]);

describe('send test', () => {
  it('acks before sending: a mail server slower than Slack waits does not keep the modal open', async () => {
    const opened = await team.click('sendTest', campaign.id, AUTHOR);
    let release = () => {};
    holdUntil = new Promise<void>((resolve) => { release = resolve; });
    try {
      const answer = await within(herald.sendView(opened.view, { addresses: 'author@acme.test, boss@acme.test' }, AUTHOR).then((r) => r.text()), 2_500);
      expect(answer).toBe('');
      expect(sink.received).toHaveLength(0);
    } finally {
      release();
      holdUntil = undefined;
    }
    await herald.web.idle();
    expect(sink.received.map((r) => r.to).sort()).toEqual(['author@acme.test', 'boss@acme.test']);
    expect(team.threadOf(campaign).replies.at(-1)).toContain('<@UAUTHOR> sent a test to author@acme.test, boss@acme.test.');
  });

  it('sends to the addresses the mail server takes and says in the thread which it refused, and why', async () => {
    const opened = await team.click('sendTest', campaign.id, AUTHOR);
    const before = sink.received.length;
    const sent = await herald.submitView(opened.view, { addresses: 'nobody@acme.test, author@acme.test' }, AUTHOR);
    expect(sent.body).toBe('');
    expect(sink.received.slice(before).map((r) => r.to)).toEqual(['author@acme.test']);
    const notice = team.threadOf(campaign).replies.at(-1);
    expect(notice).toContain('<@UAUTHOR> sent a test to author@acme.test. The mail server did not take it for:');
    expect(notice).toContain('• nobody@acme.test: 550 5.1.1 No such user here');
  });

  it('still refuses bad addresses under the input before closing', async () => {
    const opened = await team.click('sendTest', campaign.id, AUTHOR);
    const refused = await herald.submitView(opened.view, { addresses: 'author@acme.test, not-an-address' }, AUTHOR);
    expect(refused.json).toEqual({ response_action: 'errors', errors: { addresses: 'Give 1 to 5 valid email addresses to send the test to.' } });
  });

  it('refuses under the input an address whose contact unsubscribed, and sends nothing', async () => {
    await herald.command('contact unsubscribe bob@example.com', AUTHOR);
    const opened = await team.click('sendTest', campaign.id, AUTHOR);
    const before = sink.received.length;
    const refused = await herald.submitView(opened.view, { addresses: 'author@acme.test, Bob@example.com, ann@example.com' }, AUTHOR);
    expect(refused.json).toEqual({ response_action: 'errors', errors: {
      addresses: 'Herald does not send to contacts who opted out or cannot take mail, tests included: bob@example.com unsubscribed. ' +
        'Remove that address and send again.',
    } });
    await herald.web.idle();
    expect(sink.received.length).toBe(before);
  });

  it('refuses under the input a test past the member\'s hourly allowance', async () => {
    const opened = await team.click('sendTest', campaign.id, EDITOR);
    const five = 'a@acme.test, b@acme.test, c@acme.test, d@acme.test, e@acme.test';
    for (let i = 0; i < 4; i++) expect((await herald.submitView(opened.view, { addresses: five }, EDITOR)).body).toBe('');
    await herald.web.idle();
    const before = sink.received.length;
    const refused = await herald.submitView(opened.view, { addresses: 'f@acme.test' }, EDITOR);
    expect(refused.json.errors.addresses).toContain('You have sent 20 test emails in the last hour');
    await herald.web.idle();
    expect(sink.received.length).toBe(before);
  });
});
