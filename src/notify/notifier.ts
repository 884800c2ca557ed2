/**
 * How domain code and jobs tell people about a campaign or an account without knowing
 * Slack. src/bot/notifier.ts implements it with the Slack Web API.
 */
export type CampaignRef = { userId: string; campaignId: bigint };

export type Notice = { text: string; blocks?: readonly object[] };

/** What changed about a campaign: its status (or content), or only its deliveries, opens, clicks… */
export type CampaignChange = 'status' | 'counters';

export interface Notifier {
  /** Posts a reply in the campaign card's thread (nothing when the campaign has no card). */
  campaignThread(ref: CampaignRef, notice: Notice): Promise<void>;
  /**
   * Re-renders the campaign card in place from the current database state. After a change of
   * status (the default) the members' App Homes are re-published too; not when only the
   * campaign's counters moved.
   */
  refreshCampaignCard(ref: CampaignRef, change?: CampaignChange): Promise<void>;
  /** Posts to the account's admin channel (nothing when none is set). */
  adminChannel(userId: string, notice: Notice): Promise<void>;
}
