import { findCampaign, findSenderSettings, type Campaign, type SenderSettings } from '../db/campaigns.ts';
import { ensureCampaignLinks } from '../db/links.ts';
import type { DatabasePool } from '../db/pool.ts';
import { findLinks, isTrackable, rewriteLinks } from '../mail/links.ts';
import { beforeBodyEnd } from '../mail/html-text.ts';
import { campaignListId, messageIdDomain, type OutgoingMessage } from '../mail/message.ts';
import { compileCampaign, personalise, type CompiledCampaign, type MergeContact } from '../mail/render.ts';
import type { CampaignRef } from '../notify/notifier.ts';
import type { TokenClaims } from '../tracking/tokens.ts';
import type { TrackingUrls } from '../tracking/urls.ts';

/** A campaign ready to be personalised: templates compiled once, links registered as they are met. */
export type PreparedCampaign = {
  ref: CampaignRef;
  contentHash: string;
  compiled: CompiledCampaign;
  from: { name: string | null; address: string };
  replyTo: string | null;
  messageIdDomain: string;
  listId: string;
  /** campaign_links ids by URL */
  linkIds: Map<string, bigint>;
};

export type Recipient = MergeContact & { contactId: bigint; messageId: string };

export type ComposeContext = { db: DatabasePool; urls: TrackingUrls; defaultFrom: string; unsubscribeMailto?: string };

/** What is sent: the campaign's content and sender, and the account's defaults and postal address. */
export type CampaignSource = { campaign: Campaign; sender: SenderSettings };

/** The campaign (null when deleted) with its account's sender settings. */
export async function loadCampaignSource(db: DatabasePool, ref: CampaignRef): Promise<CampaignSource | null> {
  const campaign = await findCampaign(db, ref.userId, ref.campaignId);
  return campaign ? { campaign, sender: await findSenderSettings(db, ref.userId) } : null;
}

/** Throws when a template does not compile (the message names the line). */
export function prepareCampaign(ref: CampaignRef, { campaign, sender }: CampaignSource, defaultFrom: string): PreparedCampaign {
  const fromAddress = campaign.from_email ?? sender.from_email ?? defaultFrom;
  return {
    ref,
    contentHash: campaign.content_hash,
    compiled: compileCampaign({
      subject: campaign.subject,
      html: campaign.html_content,
      text: campaign.text_content,
      postalAddress: sender.postal_address,
    }),
    from: { name: campaign.from_name ?? sender.from_name, address: fromAddress },
    replyTo: campaign.reply_to ?? sender.reply_to,
    messageIdDomain: messageIdDomain(fromAddress),
    listId: campaignListId(campaign, ref.userId, fromAddress),
    linkIds: new Map(),
  };
}

/** Compiled campaigns by account and id, recompiled when the content changes (the account's footer is read with them). */
export function createCampaignCache(defaultFrom: string) {
  const cache = new Map<string, PreparedCampaign>();
  return {
    get(ref: CampaignRef, source: CampaignSource): PreparedCampaign {
      const key = `${ref.userId}/${ref.campaignId}`;
      const cached = cache.get(key);
      if (cached?.contentHash === source.campaign.content_hash) return cached;
      const prepared = prepareCampaign(ref, source, defaultFrom);
      cache.set(key, prepared);
      return prepared;
    },
    forget(ref: CampaignRef) {
      cache.delete(`${ref.userId}/${ref.campaignId}`);
    },
  };
}

/**
 * One recipient's message: merge fields filled, links rewritten to signed click URLs
 * (registered in campaign_links the first time they appear), an open pixel, the footer,
 * the unsubscribe headers. Links to Herald itself (the unsubscribe page) stay as they are.
 */
export async function composeMessage(context: ComposeContext, campaign: PreparedCampaign, recipient: Recipient): Promise<OutgoingMessage> {
  const claims = { userId: campaign.ref.userId, campaignId: campaign.ref.campaignId, contactId: recipient.contactId };
  const unsubscribeUrl = context.urls.unsubscribe(claims);
  const personal = personalise(campaign.compiled, recipient, unsubscribeUrl);
  const tracked = await trackLinks(context, campaign, claims, personal.html);
  return {
    from: campaign.from,
    replyTo: campaign.replyTo,
    to: recipient.email,
    subject: personal.subject,
    html: beforeBodyEnd(tracked, openPixel(context.urls.open(claims))),
    text: personal.text,
    messageId: recipient.messageId,
    unsubscribeUrl,
    unsubscribeMailto: context.unsubscribeMailto,
    listId: campaign.listId,
  };
}

/** The HTML with its links rewritten, registering them first when one is met for the first time (links need not be found twice per message). */
async function trackLinks(context: ComposeContext, campaign: PreparedCampaign, claims: TokenClaims, html: string): Promise<string> {
  let unknown = false;
  const rewrite = () => rewriteLinks(html, (url) => {
    const linkId = campaign.linkIds.get(url);
    if (linkId !== undefined) return context.urls.click(claims, linkId);
    unknown ||= !url.startsWith(`${context.urls.base}/`) && isTrackable(url);
    return null;
  });
  const tracked = rewrite();
  if (!unknown) return tracked;
  await registerLinks(context, campaign, html);
  return rewrite();
}

async function registerLinks(context: ComposeContext, campaign: PreparedCampaign, html: string): Promise<void> {
  const unknown = findLinks(html).filter((link) => !campaign.linkIds.has(link.url) && !link.url.startsWith(`${context.urls.base}/`));
  if (unknown.length === 0) return;
  for (const link of await ensureCampaignLinks(context.db, campaign.ref, unknown)) campaign.linkIds.set(link.url, link.id);
}

function openPixel(url: string): string {
  return `<img src="${url}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
}
