import type { SendMailOptions } from 'nodemailer';

export type OutgoingMessage = {
  from: { name: string | null; address: string };
  replyTo: string | null;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** '<…@domain>', chosen before sending so bounces can be attributed even when the send outcome is unknown */
  messageId: string;
  unsubscribeUrl: string;
  /** UNSUBSCRIBE_MAILTO, when configured */
  unsubscribeMailto?: string;
  /** the List-Id header's value (RFC 2919), from campaignListId */
  listId?: string;
  headers?: Record<string, string>;
};

/**
 * nodemailer options with the headers every Herald message carries: List-Unsubscribe (the
 * https URL, plus mailto when configured) and List-Unsubscribe-Post for RFC 8058 one-click
 * unsubscribe, the campaign's List-Id, and our own Message-ID. The envelope sender is the From address.
 */
export function mailOptions(message: OutgoingMessage): SendMailOptions {
  const unsubscribe = [`<${message.unsubscribeUrl}>`];
  if (message.unsubscribeMailto) unsubscribe.push(`<mailto:${message.unsubscribeMailto}?subject=unsubscribe>`);
  return {
    from: message.from.name ? { name: message.from.name, address: message.from.address } : message.from.address,
    to: message.to,
    replyTo: message.replyTo ?? undefined,
    subject: message.subject,
    html: message.html,
    text: message.text,
    messageId: message.messageId,
    envelope: { from: message.from.address, to: [message.to] },
    headers: {
      ...message.headers,
      'List-Unsubscribe': unsubscribe.join(', '),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      // prepared: nodemailer would otherwise MIME-encode the whole value (quotes and all), which is ASCII already
      ...(message.listId ? { 'List-Id': { prepared: true, value: message.listId } } : {}),
    },
  };
}

/** The domain for Message-IDs: the sender's. */
export function messageIdDomain(fromAddress: string): string {
  return fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase() || 'herald.invalid';
}

/**
 * The campaign's List-Id (RFC 2919): its name as the phrase, and an identifier unique to the
 * campaign under the sender's domain, `campaign-<id>.<account>.<domain>`, so mailbox filters and
 * feedback loops tell campaigns apart. The phrase is kept to printable ASCII (accents folded,
 * other characters, quotes and backslashes left out), so the header needs no encoding.
 */
export function campaignListId(campaign: { id: bigint; name: string }, userId: string, fromAddress: string): string {
  const account = userId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12);
  const phrase = campaign.name.normalize('NFKD').replace(/[^\x20-\x7e\s]|["\\]/g, '').replace(/\s+/g, ' ').trim().slice(0, 100);
  const id = `<campaign-${campaign.id}.${account}.${messageIdDomain(fromAddress)}>`;
  return phrase ? `"${phrase}" ${id}` : id;
}
