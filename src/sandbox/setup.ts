import { claimSetupStep, findChannel, findMember } from '../db/sandbox/workspace.ts';
import type { SandboxContext } from './context.ts';
import { post } from './conversation.ts';
import { runSlashCommand } from './platform/commands.ts';
import { DEFAULT_CHANNEL, MEMBERS, SLACKBOT } from './workspace.ts';

const [ANN, BEN] = MEMBERS;

const WELCOME = [
  '*Welcome to the Herald sandbox* — a stand-in Slack workspace on your machine. Herald answers here exactly as it would in Slack.',
  `You are *${ANN?.real_name}*, the account's admin; *${BEN?.real_name}* was made an approver, so campaigns can be approved by a second person. Switch members with *Acting as* at the top.`,
  'Type `/herald help` below to see what Herald can do, drop a CSV file here to import contacts (try `examples/contacts.csv`), and open *Outbox* to read the emails campaigns send.',
].join('\n');

/**
 * First start only: a welcome note, and Ann makes Ben an approver by typing
 * `/herald role @ben approver` — through the app, like every other change.
 */
export async function setUpWorkspace(ctx: SandboxContext): Promise<void> {
  if (!(await claimSetupStep(ctx.db, 'welcome'))) return;
  await post(ctx, { channelId: DEFAULT_CHANNEL, authorId: SLACKBOT, text: WELCOME });
  const ann = ANN && (await findMember(ctx.db, ANN.id));
  const channel = await findChannel(ctx.db, DEFAULT_CHANNEL);
  if (!ann || !BEN || !channel) return;
  const outcome = await runSlashCommand(ctx, ann, channel, '/herald', `role <@${BEN.id}|${BEN.name}> approver`);
  if (!outcome.ok) ctx.log.warn({ notice: outcome.notice }, 'sandbox: could not make Ben an approver');
}
