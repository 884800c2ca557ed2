import type { Member } from '../../db/accounts.ts';
import { context, sectionsOf, type Block } from './blocks.ts';

export function membersMessage(members: readonly Member[]): { text: string; blocks: Block[] } {
  const text = `${members.length} member${members.length === 1 ? '' : 's'} of this Herald account`;
  const lines = members.map((member) => `<@${member.slack_user_id}> — ${member.role}`);
  return {
    text,
    blocks: [...sectionsOf([`*${text}*`, ...lines]), context('Admins change roles with `/herald role @someone approver|editor|admin`.')],
  };
}
