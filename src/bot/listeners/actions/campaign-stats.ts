import type { App } from '@slack/bolt';
import { UserError } from '../../../errors.ts';
import { campaignStats } from '../../../reports/stats.ts';
import type { Services } from '../../../services.ts';
import { campaignStatsMessage, STATS_ACTION } from '../../views/stats.ts';
import { idFrom } from '../ids.ts';
import { onAction } from '../with-actor.ts';

/** The campaign card's "Stats" button (value: the campaign id): the stats go into the card's thread. */
export function registerCampaignStats(app: App, services: Services): void {
  app.action(
    STATS_ACTION,
    onAction(services, async ({ action, actor, body, client }) => {
      const message = campaignStatsMessage(await campaignStats(services.db.read, actor.userId, { id: idFrom(action) }));
      const channel = body.channel?.id;
      const card = body.message as { ts?: string; thread_ts?: string } | undefined;
      if (!channel || !card?.ts) throw new UserError('Stats can only be shown from a campaign card in a channel.');
      await client.chat.postMessage({ channel, thread_ts: card.thread_ts ?? card.ts, text: message.text, blocks: message.blocks as never });
    }),
  );
}
