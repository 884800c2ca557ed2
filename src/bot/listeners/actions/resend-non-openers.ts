import type { App } from '@slack/bolt';
import { countNonOpeners } from '../../../db/resend.ts';
import { campaignStats } from '../../../reports/stats.ts';
import type { Services } from '../../../services.ts';
import { resendModal } from '../../views/resend.ts';
import { RESEND_NON_OPENERS_ACTION } from '../../views/stats.ts';
import { idFrom } from '../ids.ts';
import { onAction } from '../with-actor.ts';

/**
 * "Resend to non-openers…" on a sent campaign's stats: opens the modal asking after how many
 * days, with how many people the resend would reach, counted as the resend's list is filled.
 */
export function registerResendNonOpeners(app: App, services: Services): void {
  app.action(
    RESEND_NON_OPENERS_ACTION,
    onAction(services, async ({ action, actor, body, client }) => {
      const { campaign } = await campaignStats(services.db.read, actor.userId, { id: idFrom(action) });
      const view = resendModal({
        campaignId: campaign.id,
        name: campaign.name,
        nonOpeners: await countNonOpeners(services.db.read, actor.userId, campaign.id),
        channel: body.channel?.id,
      });
      await client.views.open({ trigger_id: body.trigger_id, view: view as never });
    }),
  );
}
