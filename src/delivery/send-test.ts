import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { findContact } from '../db/contacts.ts';
import type { DatabasePool } from '../db/pool.ts';
import { UserError } from '../errors.ts';
import { classifySendError } from '../mail/smtp-errors.ts';
import type { MailTransport } from '../mail/transport.ts';
import type { MergeContact } from '../mail/render.ts';
import { personalise } from '../mail/render.ts';
import type { CampaignRef } from '../notify/notifier.ts';
import { TEST_SEND_TOKEN } from '../tracking/routes.ts';
import { loadCampaignSource, prepareCampaign } from './compose.ts';

export const MAX_TEST_ADDRESSES = 5;

const SAMPLE_CONTACT: MergeContact = { email: 'sample@example.com', first_name: 'Alex', last_name: 'Sample', custom_fields: {} };

const Addresses = z.array(z.email()).min(1).max(MAX_TEST_ADDRESSES);

export type SendTestDeps = { db: DatabasePool; transport: MailTransport; publicUrl: string; defaultFrom: string; unsubscribeMailto?: string };

/** Where the test went, and the addresses it did not go to with the mail server's reason. */
export type TestSendOutcome = { sentTo: string[]; notSent: Array<{ address: string; reason: string }> };

/** The addresses to send a test to, trimmed and lower-cased; an error for the form's input unless 1 to 5 valid ones. */
export function testAddresses(input: readonly string[]): string[] {
  const to = Addresses.safeParse(input.map((address) => address.trim().toLowerCase()));
  if (!to.success) throw UserError.field('addresses', `Give 1 to ${MAX_TEST_ADDRESSES} valid email addresses to send the test to.`);
  return [...new Set(to.data)];
}

/**
 * Pre-flight "send test": the campaign rendered for one contact (a real one, or a sample)
 * and sent to the given addresses with "[Test]" in the subject. It touches nothing of the
 * campaign's delivery: no ledger row, no event, no quota, no tracked links; its
 * unsubscribe link only explains that it is a test. An address the mail server refuses
 * does not keep the test from the others.
 */
export async function sendTestEmail(
  deps: SendTestDeps,
  ref: CampaignRef,
  input: { to: readonly string[]; contactId?: bigint },
): Promise<TestSendOutcome> {
  const to = testAddresses(input.to);
  const source = await loadCampaignSource(deps.db, ref);
  if (!source) throw new UserError('That campaign no longer exists.');
  const contact = input.contactId === undefined ? SAMPLE_CONTACT : await findContact(deps.db, ref.userId, input.contactId);
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
  }).catch((error: unknown) => {
    refused.set(address, classifySendError(error).reason);
  })));
  return {
    sentTo: to.filter((address) => !refused.has(address)),
    notSent: [...refused].map(([address, reason]) => ({ address, reason })),
  };
}
