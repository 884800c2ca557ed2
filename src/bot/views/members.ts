import type { Member } from '../../db/accounts.ts';
import { context, section, sectionsOf, type Block } from './blocks.ts';

export function membersMessage(members: readonly Member[]): { text: string; blocks: Block[] } {
  const text = `${members.length} member${members.length === 1 ? '' : 's'} of this Herald account`;
  const lines = members.map((member) => `<@${member.slack_user_id}> — ${member.role}`);
  return {
    text,
    blocks: [...sectionsOf([`*${text}*`, ...lines]), context('Admins change roles with `/herald role @someone approver|editor|admin`.')],
  };
}

/** Posted in the channel an admin chose for account notices (the post that shows Herald can post there). */
export function adminChannelAnnouncement(memberId: string): { text: string; blocks: Block[] } {
  const text = `<@${memberId}> chose this channel for Herald’s account notices: quota warnings and alerts about the installation.`;
  return { text, blocks: [section(text)] };
}
