import type { WebClient } from '@slack/web-api';
import { findCampaign, findLiveLists, setCampaignCard, type Campaign } from '../db/campaigns.ts';
import { countAudience } from '../db/preflight.ts';
import { countRecipients } from '../db/recipients.ts';
import type { CampaignRef, Notice, Notifier } from '../notify/notifier.ts';
import type { Services } from '../services.ts';
import { createSlackNotifier, type CardRenderer } from './notifier.ts';
import { postInChannel, type Target } from './post.ts';
import { section } from './views/blocks.ts';
import { campaignCard } from './views/campaign-card.ts';

/** Statuses in which the send ledger may exist and the card shows progress. */
const WITH_LEDGER = new Set(['sending', 'sent', 'paused', 'failed', 'cancelled']);
/** Statuses in which the campaign is over: no "would go to" count. */
const FINISHED = new Set(['sent', 'failed', 'cancelled']);

export async function listNamesOf(services: Services, campaign: Campaign): Promise<string[]> {
  return (await findLiveLists(services.db.primary, campaign.user_id, campaign.list_ids)).map((list) => list.name);
}

/** Renders a campaign's card from the database: Notifier.refreshCampaignCard uses it. */
export function campaignCardRenderer(services: Services): CardRenderer {
  return async (userId, campaignId) => {
    const campaign = await findCampaign(services.db.primary, userId, campaignId);
    if (!campaign) return { text: 'This campaign was deleted.', blocks: [section(':wastebasket: This campaign was deleted.')] };
    const ref = { userId, campaignId };
    const ledger = WITH_LEDGER.has(campaign.status) ? await countRecipients(services.db.primary, ref) : null;
    const recipients = ledger && Object.values(ledger).some((n) => n > 0) ? ledger : null;
    const audience = recipients || FINISHED.has(campaign.status) ? null : (await countAudience(services.db.primary, ref, campaign.segment)).recipients;
    return campaignCard({ campaign, listNames: await listNamesOf(services, campaign), recipients, audience, now: new Date() });
  };
}

/** The Slack notifier with campaign cards, for listeners (jobs get theirs from herald.ts). */
export function campaignNotifier(services: Services, client: WebClient): Notifier {
  return createSlackNotifier(services, client, campaignCardRenderer(services));
}

/** Tells the campaign's thread and refreshes its card. */
export async function announce(notifier: Notifier, ref: CampaignRef, notice: Notice): Promise<void> {
  await notifier.campaignThread(ref, notice);
  await notifier.refreshCampaignCard(ref);
}

export function refOf(campaign: Campaign): CampaignRef {
  return { userId: campaign.user_id, campaignId: campaign.id };
}

/**
 * Posts a new campaign's status card in the target's channel and remembers where it is. A public
 * channel the app is not in yet is joined first; where it cannot post, the card goes to the
 * member's DM, so every campaign has a card and a thread.
 */
export async function postCampaignCard(services: Services, client: WebClient, campaign: Campaign, target: Target): Promise<void> {
  const card = await campaignCardRenderer(services)(campaign.user_id, campaign.id);
  const posted = await postInChannel(client, target, card);
  await setCampaignCard(services.db.primary, campaign.user_id, campaign.id, posted.channel, posted.ts);
}
