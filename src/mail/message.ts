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
  headers?: Record<string, string>;
};

/**
 * nodemailer options with the headers every Herald message carries: List-Unsubscribe (the
 * https URL, plus mailto when configured) and List-Unsubscribe-Post for RFC 8058 one-click
 * unsubscribe, and our own Message-ID. The envelope sender is the From address.
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
    },
  };
}

/** The domain for Message-IDs: the sender's. */
export function messageIdDomain(fromAddress: string): string {
  return fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase() || 'herald.invalid';
}
