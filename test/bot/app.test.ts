import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SIGNING_SECRET, startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(async () => {
  await herald.close();
});

const count = (table: string) =>
  herald.db.primary.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM ${sql.identifier([table])}`);

const commandBody = (team: string) =>
  new URLSearchParams({ team_id: team, user_id: 'UX', channel_id: 'C1', command: '/herald', text: 'members',
    trigger_id: '1.2.3', response_url: herald.slack.responseUrl('sig') }).toString();

describe('request signing', () => {
  it('answers 401 and writes nothing for a wrong secret, a missing signature or a stale timestamp', async () => {
    const before = { users: await count('users'), members: await count('members'), events: await count('processed_events') };
    const wrong = await herald.post(commandBody('TSIG'), { secret: 'not-the-secret' });
    const stale = await herald.post(commandBody('TSIG'), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const unsigned = await fetch(herald.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: commandBody('TSIG') });
    const staleEvent = await herald.post(JSON.stringify({ type: 'event_callback', team_id: 'TSIG', event_id: 'EvSIG', event: { type: 'app_home_opened', user: 'UX', tab: 'home' } }),
      { timestamp: Math.floor(Date.now() / 1000) - 301, headers: { 'content-type': 'application/json' } });
    await herald.web.idle();
    expect([wrong.status, stale.status, unsigned.status, staleEvent.status]).toEqual([401, 401, 401, 401]);
    expect({ users: await count('users'), members: await count('members'), events: await count('processed_events') }).toEqual(before);
    expect(herald.slack.responses.filter((r) => r.path === '/response/sig')).toEqual([]);
  });

  it('accepts the same request correctly signed', async () => {
    const ok = await herald.post(commandBody('TSIG'));
    await herald.web.idle();
    expect(ok.status).toBe(200);
    expect(herald.slack.responses.filter((r) => r.path === '/response/sig')).toHaveLength(1);
    expect(SIGNING_SECRET).not.toBe('not-the-secret');
  });
});

describe('/herald help', () => {
  it('shows usage for no subcommand, help, and an unknown word', async () => {
    const empty = await herald.command('');
    const help = await herald.command('help');
    const unknown = await herald.command('frobnicate now');
    for (const outcome of [empty, help, unknown]) {
      expect(outcome.status).toBe(200);
      expect(outcome.responses[0].response_type).toBe('ephemeral');
      expect(outcome.text).toContain('/herald members');
      expect(outcome.text).toContain('/herald help');
    }
    expect(unknown.text).toContain("I don't know `/herald frobnicate now`");
    expect(help.text).not.toContain("I don't know");
  });

  it('suggests the closest command for a typo, and lists only the commands of a known first word', async () => {
    const typo = await herald.command('membres');
    expect(typo.text).toContain("I don't know `/herald membres`. Did you mean `/herald members`?");
    const campaign = await herald.command('campaign neww');
    expect(campaign.text).toContain("I don't know `/herald campaign neww`. Did you mean `/herald campaign new`?");
    expect(campaign.text).toContain('The `campaign` commands are:');
    expect(campaign.text).toContain('/herald campaign cancel');
    expect(campaign.text).not.toContain('/herald members');
    const list = await herald.command('list');
    expect(list.text).toContain("I don't know `/herald list`. Did you mean `/herald lists [part of a name]`? The `list` commands are:");
    expect(list.text).toContain('/herald list create');
  });
});

describe('errors', () => {
  it('names the expected form when arguments are wrong', async () => {
    const outcome = await herald.command('role nobody');
    expect(outcome.responses).toHaveLength(1);
    expect(outcome.responses[0].response_type).toBe('ephemeral');
    expect(outcome.text).toContain('Usage: `/herald role @someone approver|editor|admin`');
  });

  it('answers an unexpected failure with an apology, never a stack trace, and logs it', async () => {
    const failing = await herald.command('members', { team: 'T'.repeat(40) }); // team ids over 32 chars break the insert
    expect(failing.responses).toHaveLength(1);
    expect(failing.text).toContain('Sorry, something went wrong');
    expect(failing.text).not.toMatch(/at .*\.ts:\d+|error:|violat/i);
    expect(herald.logs.some((entry) => entry.msg === 'Slack listener failed')).toBe(true);
  });
});
