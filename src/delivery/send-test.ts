import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { lockRecentTestEmails, recordCampaignAudit, TEST_SEND_ACTION } from '../db/campaigns.ts';
import { findContact } from '../db/contacts.ts';
import type { DatabasePool } from '../db/pool.ts';
import { suppressedAddresses, type SuppressedAddress } from '../db/suppression.ts';
import { UserError } from '../errors.ts';
import { classifySendError } from '../mail/smtp-errors.ts';
import type { MailTransport } from '../mail/transport.ts';
import type { MergeContact } from '../mail/render.ts';
import { personalise } from '../mail/render.ts';
import type { CampaignRef } from '../notify/notifier.ts';
import { TEST_SEND_TOKEN } from '../tracking/routes.ts';
import { loadCampaignSource, prepareCampaign } from './compose.ts';

export const MAX_TEST_ADDRESSES = 5;
/** Test emails one member may send in any hour, across processes (counted in the audit log). */
export const TEST_EMAILS_PER_HOUR = 20;

const SAMPLE_CONTACT: MergeContact = { email: 'sample@example.com', first_name: 'Alex', last_name: 'Sample', custom_fields: {} };

const Addresses = z.array(z.email()).min(1).max(MAX_TEST_ADDRESSES);

export type SendTestDeps = { db: DatabasePool; transport: MailTransport; publicUrl: string; defaultFrom: string; unsubscribeMailto?: string };

/** A test send checked by clearTestSend and counted against its member's hourly allowance. */
export type ClearedTestSend = { ref: CampaignRef; to: readonly string[] };

/** Where the test went, and the addresses it did not go to with the mail server's reason. */
export type TestSendOutcome = { sentTo: string[]; notSent: Array<{ address: string; reason: string }> };

/** The addresses to send a test to, trimmed and lower-cased; an error for the form's input unless 1 to 5 valid ones. */
function testAddresses(input: readonly string[]): string[] {
  const to = Addresses.safeParse(input.map((address) => address.trim().toLowerCase()));
  if (!to.success) throw UserError.field('addresses', `Give 1 to ${MAX_TEST_ADDRESSES} valid email addresses to send the test to.`);
  return [...new Set(to.data)];
}

const SUPPRESSION_REASONS: Record<SuppressedAddress['status'], string> = {
  unsubscribed: 'unsubscribed',
  bounced: 'bounced (the address does not take mail)',
  complained: 'marked an email as spam',
};

/**
 * Checks a test send before anything goes out, with errors for the form's addresses input:
 * valid addresses, none of a contact of the account who unsubscribed, bounced or complained
 * (a test is real mail to them), and within the member's TEST_EMAILS_PER_HOUR. Records the
 * send in the audit log, which is what the allowance is counted from.
 */
export async function clearTestSend(db: DatabasePool, memberId: string, ref: CampaignRef, input: readonly string[]): Promise<ClearedTestSend> {
  const to = testAddresses(input);
  const suppressed = await suppressedAddresses(db, ref.userId, to);
  if (suppressed.length > 0) {
    const reasons = new Map(suppressed.map((contact) => [contact.email, SUPPRESSION_REASONS[contact.status]]));
    const which = to.filter((address) => reasons.has(address)).map((address) => `${address} ${reasons.get(address)}`);
    throw UserError.field('addresses', 'Herald does not send to contacts who opted out or cannot take mail, tests included: ' +
      `${which.join('; ')}. Remove ${which.length === 1 ? 'that address' : 'those addresses'} and send again.`);
  }
  return db.transaction(async (tx) => {
    const sent = await lockRecentTestEmails(tx, ref.userId, memberId);
    if (sent + to.length > TEST_EMAILS_PER_HOUR) {
      const left = Math.max(0, TEST_EMAILS_PER_HOUR - sent);
      throw UserError.field('addresses',
        `You have sent ${sent} test emails in the last hour, and a member may send ${TEST_EMAILS_PER_HOUR} an hour, ` +
        `so ${left === 0 ? 'none can go now' : `this test can go to ${left} address${left === 1 ? '' : 'es'} at most`}. ` +
        'Try again later: each test email stops counting an hour after it was sent.');
    }
    await recordCampaignAudit(tx, ref.userId, ref.campaignId, { actor: memberId, action: TEST_SEND_ACTION, fromStatus: null, toStatus: null, payload: { to } });
    return { ref, to };
  });
}

/**
 * Pre-flight "send test": the campaign rendered for one contact (a real one, or a sample)
 * and sent to the addresses clearTestSend let through, with "[Test]" in the subject. It
 * touches nothing of the campaign's delivery: no ledger row, no event, no quota, no tracked
 * links; its unsubscribe link only explains that it is a test. An address the mail server refuses
 * does not keep the test from the others.
 */
export async function sendTestEmail(
  deps: SendTestDeps,
  { ref, to }: ClearedTestSend,
  options: { contactId?: bigint } = {},
): Promise<TestSendOutcome> {
  const source = await loadCampaignSource(deps.db, ref);
  if (!source) throw new UserError('That campaign no longer exists.');
  const contact = options.contactId === undefined ? SAMPLE_CONTACT : await findContact(deps.db, ref.userId, options.contactId);
  if (!contact) throw new UserError('That contact no longer exists; pick another one for the test.');
  let prepared;
  try {
    prepared = prepareCampaign(ref, source, deps.defaultFrom);
  } catch (error) {
    throw new UserError(`The email template has an error: ${(error as Error).message}`);
  }
  const unsubscribeUrl = `${deps.publicUrl.replace(/\/+$/, '')}/u/${TEST_SEND_TOKEN}`;
  const body = personalise(prepared.compiled, contact, unsubscribeUrl);
  const refused = new Map<string, string>();
  await Promise.all(to.map((address) => deps.transport.send({
    ...body,
    subject: `[Test] ${body.subject}`,
    from: prepared.from,
    replyTo: prepared.replyTo,
    to: address,
    messageId: `<test-${randomUUID()}@${prepared.messageIdDomain}>`,
    unsubscribeUrl,
    unsubscribeMailto: deps.unsubscribeMailto,
    listId: prepared.listId,
  }).catch((error: unknown) => {
    refused.set(address, classifySendError(error).reason);
  })));
  return {
    sentTo: to.filter((address) => !refused.has(address)),
    notSent: [...refused].map(([address, reason]) => ({ address, reason })),
  };
}
