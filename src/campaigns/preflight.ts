import { findSenderSettings, type Campaign } from '../db/campaigns.ts';
import type { DatabasePool } from '../db/pool.ts';
import { countAudience, countMissingFields, findQuota, type FieldSource } from '../db/preflight.ts';
import { findLinks, type FoundLink } from '../mail/links.ts';
import { mergeFieldsOf } from '../templates/merge-fields.ts';

/** What a campaign would do if sent now: who gets it, what it costs, what might look wrong. */
export type Preflight = {
  /** Unique, not suppressed contacts of the lists that match the segment: the emails that would go out. */
  recipients: number;
  /** Extra list entries of contacts on more than one of the lists (each gets one email). */
  duplicates: number;
  suppressed: { unsubscribed: number; bounced: number; complained: number };
  /** Of the billing period the send falls in: a later one than today's (`laterPeriodStart`) for a campaign scheduled into it. */
  quota: { limit: number; used: number; remaining: number; afterSend: number; shortBy: number; laterPeriodStart: string | null };
  /** Merge fields the content uses that some recipients lack, with how many lack each. */
  missingFields: ReadonlyArray<{ field: string; missing: number }>;
  links: readonly FoundLink[];
  unsubscribe: { inBody: boolean; footer: true; oneClickHeaders: true; mailto: boolean };
  postalAddress: string | null;
};

/** Fields every recipient has, or that Herald fills in itself. */
const ALWAYS_PRESENT = new Set(['email', 'unsubscribe_url', 'custom']);

function fieldSource(field: string): FieldSource | null {
  if (ALWAYS_PRESENT.has(field)) return null;
  if (field === 'first_name' || field === 'last_name' || field === 'full_name') return { field, column: field, key: field };
  const key = field.startsWith('custom.') ? field.slice('custom.'.length) : field;
  return key.includes('.') ? null : { field, column: 'custom', key };
}

/** The moment a campaign would send: its send time, or `now` when it has none or it has passed. */
function sendTime(campaign: Campaign, now: Date): Date {
  return campaign.scheduled_at && campaign.scheduled_at > now ? campaign.scheduled_at : now;
}

export async function computePreflight(
  db: DatabasePool,
  campaign: Campaign,
  options: { unsubscribeMailto: boolean; now?: Date },
): Promise<Preflight> {
  const now = options.now ?? new Date();
  const ref = { userId: campaign.user_id, campaignId: campaign.id };
  const fields = mergeFieldsOf(campaign.subject, campaign.html_content, campaign.text_content);
  const sources = fields.map(fieldSource).filter((source): source is FieldSource => source !== null);
  const [audience, missing, quota, sender] = await Promise.all([
    countAudience(db, ref, campaign.segment),
    countMissingFields(db, ref, campaign.segment, sources),
    findQuota(db, campaign.user_id, sendTime(campaign, now), now),
    findSenderSettings(db, campaign.user_id),
  ]);
  const remaining = Math.max(0, quota.monthly_email_limit - quota.monthly_emails_sent);
  return {
    recipients: audience.recipients,
    duplicates: audience.memberships - audience.targeted,
    suppressed: { unsubscribed: audience.unsubscribed, bounced: audience.bounced, complained: audience.complained },
    quota: {
      limit: quota.monthly_email_limit,
      used: quota.monthly_emails_sent,
      remaining,
      afterSend: Math.max(0, remaining - audience.recipients),
      shortBy: Math.max(0, audience.recipients - remaining),
      laterPeriodStart: quota.later_period_start,
    },
    missingFields: sources
      .map((source) => ({ field: source.field, missing: missing.get(source.field) ?? 0 }))
      .filter((entry) => entry.missing > 0),
    links: findLinks(campaign.html_content),
    unsubscribe: { inBody: fields.includes('unsubscribe_url'), footer: true, oneClickHeaders: true, mailto: options.unsubscribeMailto },
    postalAddress: sender.postal_address?.trim() || null,
  };
}
