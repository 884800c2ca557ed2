import { findSenderSettings, type Campaign } from '../db/campaigns.ts';
import type { DatabasePool } from '../db/pool.ts';
import { sampleRecipient } from '../db/preflight.ts';
import { compileCampaign, personalise, type Personalised } from '../mail/render.ts';

const PREVIEW_UNSUBSCRIBE_URL = 'https://unsubscribe.invalid/preview';
const SAMPLE_CONTACT = { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', custom_fields: {} };

/** The campaign as its first recipient would get it (or a sample contact when it has none). */
export async function previewCampaign(db: DatabasePool, campaign: Campaign): Promise<Personalised & { recipient: string; sample: boolean }> {
  const ref = { userId: campaign.user_id, campaignId: campaign.id };
  const [recipient, sender] = await Promise.all([sampleRecipient(db, ref, campaign.segment), findSenderSettings(db, campaign.user_id)]);
  const compiled = compileCampaign({
    subject: campaign.subject,
    html: campaign.html_content,
    text: campaign.text_content,
    postalAddress: sender.postal_address,
  });
  const contact = recipient ?? SAMPLE_CONTACT;
  return { ...personalise(compiled, contact, PREVIEW_UNSUBSCRIBE_URL), recipient: contact.email, sample: recipient === null };
}
