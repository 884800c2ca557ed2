import type { SandboxMember } from '../../db/sandbox/workspace.ts';
import { issueResponseUrl, issueTrigger, type ResponseUrlTarget } from '../../db/sandbox/workspace.ts';
import type { SandboxContext } from '../context.ts';
import { token, triggerId } from '../ids.ts';
import { APP, TEAM } from '../workspace.ts';

/** The deprecated verification token Slack still sends; Bolt verifies signatures instead. */
export const VERIFICATION_TOKEN = 'sandbox-verification-token';

function userObject(member: SandboxMember) {
  return { id: member.id, username: member.name, name: member.name, team_id: TEAM.id };
}

const teamObject = { id: TEAM.id, domain: TEAM.domain };

/** Fields every interactive payload carries. */
export function commonFields(member: SandboxMember) {
  return {
    token: VERIFICATION_TOKEN,
    team: teamObject,
    user: userObject(member),
    api_app_id: APP.id,
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** A trigger_id for views.open/push, valid 3 seconds, for this member. */
export async function newTrigger(ctx: SandboxContext, memberId: string): Promise<string> {
  const id = triggerId();
  await issueTrigger(ctx.db, id, memberId);
  return id;
}

/** A response_url pointing back at the sandbox, remembering where the answer belongs. */
export async function newResponseUrl(ctx: SandboxContext, target: ResponseUrlTarget): Promise<string> {
  const id = token(16);
  await issueResponseUrl(ctx.db, id, target);
  return `${ctx.baseUrl}/sandbox/response/${id}`;
}

export function actionTs(): string {
  return (Date.now() / 1000).toFixed(6);
}
