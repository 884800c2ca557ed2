import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveActor } from '../../src/accounts/actor.ts';
import { changeRole } from '../../src/accounts/members.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(async () => {
  await herald.close();
});

const Member = z.object({ slack_user_id: z.string(), role: z.string() });
const membersOf = (team: string) =>
  herald.db.primary.any(sql.type(Member)`
    SELECT m.slack_user_id, m.role FROM members m JOIN slack_workspaces w ON w.user_id = m.user_id
     WHERE w.team_id = ${team} ORDER BY m.slack_user_id`);

describe('workspace → account', () => {
  it('creates one account on the first command of a team, with its sender as admin', async () => {
    await Promise.all([herald.command('members', { team: 'TNEW', user: 'UFIRST' }), herald.command('members', { team: 'TNEW', user: 'UFIRST' })]);
    const accounts = await herald.db.primary.anyFirst(sql.type(z.object({ user_id: z.string() }))`
      SELECT user_id FROM slack_workspaces WHERE team_id = 'TNEW'`);
    expect(accounts).toHaveLength(1);
    expect(await membersOf('TNEW')).toEqual([{ slack_user_id: 'UFIRST', role: 'admin' }]);
    const second = await herald.command('members', { team: 'TNEW', user: 'USECOND' });
    expect(await membersOf('TNEW')).toEqual([{ slack_user_id: 'UFIRST', role: 'admin' }, { slack_user_id: 'USECOND', role: 'editor' }]);
    expect(second.text).toContain('<@UFIRST> — admin');
    expect(second.text).toContain('<@USECOND> — editor');
  });
});

describe('members of another workspace (Slack Connect)', () => {
  it('refuses a guest of a shared channel, who neither acts on the account nor joins it', async () => {
    const host = { team: 'THOST', user: 'UHOSTADMIN', channel: 'CSHARED' };
    const opened = await herald.command('template create', host);
    await herald.submitView(opened.view, { name: 'Shared', subject: 'Hi', html: '<p>Hi</p>' }, host);
    const templateId = await herald.db.primary.oneFirst(sql.type(z.object({ id: z.bigint() }))`SELECT id FROM templates WHERE name = 'Shared'`);
    const guest = { team: 'THOST', userTeam: 'TGUEST', user: 'UGUEST', channel: 'CSHARED' };
    const refused = await herald.action('template_delete_confirm', { ...guest, value: String(templateId) });
    expect(refused.text).toContain('Herald takes actions only from members of the workspace it is installed in');
    const deleted = await herald.db.primary.oneFirst(sql.type(z.object({ deleted: z.boolean() }))`
      SELECT deleted_at IS NOT NULL AS deleted FROM templates WHERE id = ${templateId}`);
    expect(deleted).toBe(false);
    expect(await membersOf('THOST')).toEqual([{ slack_user_id: 'UHOSTADMIN', role: 'admin' }]);
  });

  it('refuses their slash commands and ignores their events, as users.info tells their own workspace', async () => {
    const guest = { team: 'THOSTCMD', userTeam: 'TGUEST', user: 'UCMDGUEST', channel: 'CSHARED' };
    await herald.command('members', { team: 'THOSTCMD', user: 'UCMDADMIN' });
    const refused = await herald.command('list create', guest);
    expect(refused.text).toContain('Herald takes actions only from members of the workspace it is installed in');
    expect(refused.view).toBeUndefined();
    const home = await herald.event({ type: 'app_home_opened', user: 'UCMDGUEST', channel: 'DHOME', tab: 'home', event_ts: '1700000000.1' },
      { team: 'THOSTCMD', userTeam: 'TGUEST' });
    expect(home.calls.map((c) => c.method)).not.toContain('views.publish');
    await herald.event({ type: 'file_shared', file_id: 'FGUEST', user_id: 'UCMDGUEST', channel_id: 'CSHARED', event_ts: '1700000000.2' },
      { team: 'THOSTCMD', userTeam: 'TGUEST' });
    expect(await membersOf('THOSTCMD')).toEqual([{ slack_user_id: 'UCMDADMIN', role: 'admin' }]);
  });
});

describe('/herald role', () => {
  const team = 'TROLES';
  beforeAll(async () => {
    await herald.command('members', { team, user: 'UBOSS' });
    await herald.command('members', { team, user: 'UED' });
  });

  it('lets an admin set roles', async () => {
    const outcome = await herald.command('role <@UED|ed> approver', { team, user: 'UBOSS' });
    expect(outcome.text).toContain('<@UED> is now an approver');
    expect(await membersOf(team)).toContainEqual({ slack_user_id: 'UED', role: 'approver' });
  });

  it('refuses editors and approvers, and changes nothing', async () => {
    await herald.command('role <@UED> editor', { team, user: 'UBOSS' });
    const byEditor = await herald.command('role <@UED> admin', { team, user: 'UED' });
    expect(byEditor.text).toContain('Only admins can change roles');
    await herald.command('role <@UED> approver', { team, user: 'UBOSS' });
    const byApprover = await herald.command('role <@UBOSS> editor', { team, user: 'UED' });
    expect(byApprover.text).toContain('Only admins can change roles');
    expect(await membersOf(team)).toEqual([{ slack_user_id: 'UBOSS', role: 'admin' }, { slack_user_id: 'UED', role: 'approver' }]);
  });

  it('never leaves the account without an admin', async () => {
    const outcome = await herald.command('role <@UBOSS> editor', { team, user: 'UBOSS' });
    expect(outcome.text).toContain('would leave no active admin');
    expect(await membersOf(team)).toContainEqual({ slack_user_id: 'UBOSS', role: 'admin' });
  });

  it('refuses an admin demoted while their role change was on its way (they cannot promote themselves back)', async () => {
    const raceTeam = 'TRACE';
    await herald.command('members', { team: raceTeam, user: 'UFIRSTADMIN' });
    await herald.command('members', { team: raceTeam, user: 'USECONDADMIN' });
    await herald.command('role <@USECONDADMIN> admin', { team: raceTeam, user: 'UFIRSTADMIN' });
    const resolvedAsAdmin = await resolveActor(herald.db.primary, { teamId: raceTeam, memberId: 'USECONDADMIN' });
    await herald.command('role <@USECONDADMIN> editor', { team: raceTeam, user: 'UFIRSTADMIN' });
    await expect(changeRole(herald.db.primary, resolvedAsAdmin, 'USECONDADMIN', 'admin', async () => 'member')).rejects.toThrow('Only admins can change roles. Your role is editor');
    expect(await membersOf(raceTeam)).toEqual([{ slack_user_id: 'UFIRSTADMIN', role: 'admin' }, { slack_user_id: 'USECONDADMIN', role: 'editor' }]);
  });

  it('gives roles only to active people: no bots, no deactivated users, guests only as editors', async () => {
    const rolesTeam = 'TPEOPLE';
    await herald.command('members', { team: rolesTeam, user: 'UPEOPLEADMIN' });
    herald.slack.setUser('UAPP', { tz: 'UTC', name: 'Some app', isBot: true });
    herald.slack.setUser('UGONE', { tz: 'UTC', name: 'Gone', deleted: true });
    herald.slack.setUser('UVISITOR', { tz: 'UTC', name: 'Visitor', guest: 'single' });
    const bot = await herald.command('role <@UAPP> editor', { team: rolesTeam, user: 'UPEOPLEADMIN' });
    expect(bot.text).toContain('<@UAPP> is an app or bot');
    const gone = await herald.command('role <@UGONE> admin', { team: rolesTeam, user: 'UPEOPLEADMIN' });
    expect(gone.text).toContain('<@UGONE> is deactivated in Slack');
    const guestApprover = await herald.command('role <@UVISITOR> approver', { team: rolesTeam, user: 'UPEOPLEADMIN' });
    expect(guestApprover.text).toContain('guests can only be editors');
    const guestEditor = await herald.command('role <@UVISITOR> editor', { team: rolesTeam, user: 'UPEOPLEADMIN' });
    expect(guestEditor.text).toContain('<@UVISITOR> is now an editor');
    expect(await membersOf(rolesTeam)).toEqual([{ slack_user_id: 'UPEOPLEADMIN', role: 'admin' }, { slack_user_id: 'UVISITOR', role: 'editor' }]);
  });

  it('counts only active admins for the last one: an admin cannot step down while the other is deactivated', async () => {
    const lastTeam = 'TLASTADMIN';
    await herald.command('members', { team: lastTeam, user: 'ULASTADMIN' });
    await herald.command('role <@ULEFTADMIN> admin', { team: lastTeam, user: 'ULASTADMIN' });
    herald.slack.setUser('ULEFTADMIN', { tz: 'UTC', name: 'Left', deleted: true });
    const outcome = await herald.command('role <@ULASTADMIN> editor', { team: lastTeam, user: 'ULASTADMIN' });
    expect(outcome.text).toContain('would leave no active admin');
    expect(await membersOf(lastTeam)).toEqual([{ slack_user_id: 'ULASTADMIN', role: 'admin' }, { slack_user_id: 'ULEFTADMIN', role: 'admin' }]);
    const demoteDeparted = await herald.command('role <@ULEFTADMIN> editor', { team: lastTeam, user: 'ULASTADMIN' });
    expect(demoteDeparted.text).toContain('<@ULEFTADMIN> is deactivated in Slack');
  });

  it('rejects a role that does not exist with the expected form', async () => {
    const outcome = await herald.command('role <@UED> owner', { team, user: 'UBOSS' });
    expect(outcome.text).toContain('Usage: `/herald role @someone approver|editor|admin`');
  });

  it('keeps workspaces apart: an admin of one team cannot change members of another', async () => {
    await herald.command('role <@UED> admin', { team: 'TOTHER', user: 'UOTHERADMIN' });
    expect(await membersOf(team)).toContainEqual({ slack_user_id: 'UED', role: 'approver' });
  });
});

describe('/herald admin-channel', () => {
  it('lets admins choose the channel for account notices, which the notifier then uses', async () => {
    const team = 'TNOTICE';
    await herald.command('members', { team, user: 'UA' });
    await herald.command('members', { team, user: 'UE' });
    const refused = await herald.command('admin-channel', { team, user: 'UE', channel: 'CADMIN' });
    expect(refused.text).toContain('Only admins can choose the admin channel');
    await herald.command('admin-channel', { team, user: 'UA', channel: 'CADMIN' });
    const userId = await herald.db.primary.oneFirst(sql.type(z.object({ user_id: z.string() }))`
      SELECT user_id FROM slack_workspaces WHERE team_id = ${team}`);
    await herald.notifier.adminChannel(userId, { text: 'Monthly quota at 90 %' });
    expect(herald.slack.messages.filter((m) => m.channel === 'CADMIN').map((m) => m.text)).toEqual([
      '<@UA> chose this channel for Herald’s account notices: quota warnings and alerts about the installation.',
      'Monthly quota at 90 %',
    ]);
  });

  it('refuses a private channel Herald is not in, saying how to invite it, and keeps the admin channel it had', async () => {
    const team = 'TNOTICE';
    herald.slack.notMemberOf('CHIDDEN', 'private');
    const refused = await herald.command('admin-channel', { team, user: 'UA', channel: 'CHIDDEN' });
    expect(refused.text).toContain("I can't post in <#CHIDDEN>, so account notices cannot be posted there. Nothing was saved.");
    expect(refused.text).toContain('type `/invite @Herald` in <#CHIDDEN>), then send the command again: /herald admin-channel');
    const channel = await herald.db.primary.oneFirst(sql.type(z.object({ admin_channel_id: z.string().nullable() }))`
      SELECT admin_channel_id FROM slack_workspaces WHERE team_id = ${team}`);
    expect(channel).toBe('CADMIN');
  });
});
