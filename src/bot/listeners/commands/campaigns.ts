import { deleteDraft, requireCampaignNamed } from '../../../campaigns/drafts.ts';
import { computePreflight } from '../../../campaigns/preflight.ts';
import { cancelCampaign, pauseCampaign, resumeCampaign, type Step } from '../../../campaigns/workflow.ts';
import { listCampaigns } from '../../../db/campaigns.ts';
import { announce, campaignNotifier, refOf } from '../../campaigns.ts';
import { cancelledNotice, deletedNotice, pausedNotice, resumedNotice } from '../../views/campaign-notices.ts';
import { preflightCard } from '../../views/campaign-preflight.ts';
import { campaignsMessage } from '../../views/campaign-prompts.ts';
import { openCampaignForm } from '../campaign-forms.ts';
import type { CommandContext, Subcommand, SubcommandGroup } from './router.ts';

async function namedCampaign(ctx: CommandContext) {
  if (ctx.args.length !== 1) throw ctx.usageError('Name one campaign; put names with spaces in quotes.');
  return requireCampaignNamed(ctx.services.db.primary, ctx.actor, ctx.args[0] ?? '');
}

/** pause / resume / cancel by name: the same steps as the card's buttons, told in the thread. */
function stepCommand(
  verb: string,
  description: string,
  run: (ctx: CommandContext, campaignId: bigint) => Promise<Step>,
  told: (memberId: string, step: Step) => { text: string; blocks?: readonly object[] },
): Subcommand {
  return {
    usage: `/herald campaign ${verb} <name>`,
    description,
    async run(ctx) {
      const campaign = await namedCampaign(ctx);
      const step = await run(ctx, campaign.id);
      const notice = told(ctx.actor.memberId, step);
      await announce(campaignNotifier(ctx.services, ctx.client), refOf(campaign), notice);
      await ctx.reply(notice.text);
    },
  };
}

export const campaignCommands: SubcommandGroup = {
  title: 'Campaigns',
  commands: {
    campaigns: {
      usage: '/herald campaigns [part of a name]',
      description: 'Your campaigns and their status, newest first (those whose name contains the text given).',
      async run(ctx) {
        const nameContains = ctx.args.join(' ');
        const { text, blocks } = campaignsMessage(await listCampaigns(ctx.services.db.read, ctx.actor.userId, { nameContains }), nameContains);
        await ctx.reply(text, blocks);
      },
    },
    'campaign new': {
      usage: '/herald campaign new',
      description: 'Draft a campaign (opens a form); its status card is posted in this channel.',
      async run(ctx) {
        await openCampaignForm(ctx.services, ctx.client, { triggerId: ctx.command.trigger_id, channel: ctx.command.channel_id, actor: ctx.actor });
      },
    },
    'campaign edit': {
      usage: '/herald campaign edit <name>',
      description: 'Edit a campaign (an approved one goes back to draft).',
      async run(ctx) {
        const campaign = await namedCampaign(ctx);
        await openCampaignForm(ctx.services, ctx.client, {
          triggerId: ctx.command.trigger_id, channel: ctx.command.channel_id, actor: ctx.actor, campaign,
        });
      },
    },
    'campaign check': {
      usage: '/herald campaign check <name>',
      description: 'Pre-flight check: recipients, quota, missing merge fields, links, compliance.',
      async run(ctx) {
        const campaign = await namedCampaign(ctx);
        const preflight = await computePreflight(ctx.services.db.primary, campaign, { unsubscribeMailto: Boolean(ctx.services.config.UNSUBSCRIBE_MAILTO) });
        const card = preflightCard(campaign, preflight);
        if (campaign.slack_message_ts) {
          await campaignNotifier(ctx.services, ctx.client).campaignThread(refOf(campaign), card);
          await ctx.reply(`Posted the pre-flight check of “${campaign.name}” in its thread.`);
        } else {
          await ctx.reply(card.text, card.blocks);
        }
      },
    },
    'campaign pause': stepCommand('pause', 'Pause a scheduled or sending campaign.',
      (ctx, id) => pauseCampaign(ctx.services.db.primary, ctx.actor, id), (member) => pausedNotice(member)),
    'campaign resume': stepCommand('resume', 'Resume a paused campaign (or confirm an overdue one).',
      (ctx, id) => resumeCampaign(ctx.services.db.primary, ctx.actor, id), (member, step) => resumedNotice(member, step.entry.action === 'confirm_overdue')),
    'campaign cancel': stepCommand('cancel', 'Cancel a campaign that has not been sent.',
      (ctx, id) => cancelCampaign(ctx.services.db.primary, ctx.actor, id), (member) => cancelledNotice(member)),
    'campaign delete': {
      usage: '/herald campaign delete <name>',
      description: 'Delete a draft.',
      async run(ctx) {
        const campaign = await namedCampaign(ctx);
        await deleteDraft(ctx.services.db.primary, ctx.actor, campaign);
        await announce(campaignNotifier(ctx.services, ctx.client), refOf(campaign), deletedNotice(ctx.actor.memberId));
        await ctx.reply(`Deleted the draft “${campaign.name}”.`);
      },
    },
  },
};
