import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { reportedAt, type ProviderEvent } from './apply.ts';

/**
 * Amazon SES bounce, complaint and delivery notifications, delivered by Amazon SNS to
 * POST /webhooks/ses. Every message is verified with SNS's signature (SignatureVersion 1:
 * SHA1withRSA, 2: SHA256withRSA) against the certificate at SigningCertURL, which must be an
 * https URL on an sns.<region>.amazonaws.com host. A valid signature only proves the message
 * came from SNS, from any AWS account: SES_TOPIC_ARNS restricts which topics are accepted.
 */

const SnsEnvelope = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1).max(200),
  TopicArn: z.string().min(1).max(400),
  Message: z.string(),
  Timestamp: z.string(),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1),
  SigningCertURL: z.string(),
  Subject: z.string().optional(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
});
export type SnsEnvelope = z.infer<typeof SnsEnvelope>;

export type SnsOptions = {
  /** fetches a PEM certificate; only ever called with a URL that passed isSnsUrl */
  fetchCertificate: (url: string) => Promise<string>;
  /** visits a SubscribeURL (only ever one that passed isSnsUrl) */
  confirmSubscription: (url: string) => Promise<void>;
  /** accepted topics; all when undefined */
  topicArns?: readonly string[];
};

/** https://sns.<region>.amazonaws.com/… on the default port: the only place SNS certificates and confirmations live. */
export function isSnsUrl(value: string, pathSuffix = ''): boolean {
  try {
    const url = new URL(value);
    return (
      url.protocol === 'https:' &&
      url.port === '' &&
      url.username === '' &&
      /^sns\.[a-z0-9-]+\.amazonaws\.com$/.test(url.hostname) &&
      url.pathname.endsWith(pathSuffix)
    );
  } catch {
    return false;
  }
}

/** SNS's canonical string: the named fields, in this order, as "Name\nvalue\n". */
export function snsStringToSign(message: SnsEnvelope): string {
  const fields =
    message.Type === 'Notification'
      ? (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
      : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
  return fields
    .filter((field) => message[field] !== undefined)
    .map((field) => `${field}\n${message[field]}\n`)
    .join('');
}

export type SnsVerifier = (body: Buffer) => Promise<SnsEnvelope | null>;

/** A verifier with a certificate cache (SNS signs with few certificates, rotated rarely). */
export function createSnsVerifier(options: SnsOptions): SnsVerifier {
  const certificates = new Map<string, Promise<KeyObject>>();
  const keyFor = (url: string) => {
    let key = certificates.get(url);
    if (!key) {
      key = options.fetchCertificate(url).then((pem) => createPublicKey(pem));
      key.catch(() => certificates.delete(url));
      certificates.set(url, key);
    }
    return key;
  };
  return async (body) => {
    const message = parseEnvelope(body);
    if (!message || !isSnsUrl(message.SigningCertURL, '.pem')) return null;
    if (options.topicArns && !options.topicArns.includes(message.TopicArn)) return null;
    let key: KeyObject;
    try {
      key = await keyFor(message.SigningCertURL);
    } catch {
      return null;
    }
    const algorithm = message.SignatureVersion === '1' ? 'sha1' : 'sha256';
    const valid = verify(algorithm, Buffer.from(snsStringToSign(message), 'utf8'), key, Buffer.from(message.Signature, 'base64'));
    return valid ? message : null;
  };
}

function parseEnvelope(body: Buffer): SnsEnvelope | null {
  try {
    const parsed = SnsEnvelope.safeParse(JSON.parse(body.toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const SesMail = z.object({
  messageId: z.string().optional(),
  commonHeaders: z.object({ messageId: z.string().optional() }).partial().optional(),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
});

const SesNotification = z.object({
  notificationType: z.string().optional(),
  eventType: z.string().optional(),
  mail: SesMail,
  bounce: z
    .object({
      bounceType: z.string(),
      bounceSubType: z.string().optional(),
      bouncedRecipients: z.array(z.object({ emailAddress: z.string(), diagnosticCode: z.string().optional() })).optional(),
      timestamp: z.string().optional(),
    })
    .optional(),
  complaint: z.object({ complaintFeedbackType: z.string().optional(), timestamp: z.string().optional() }).optional(),
  delivery: z.object({ timestamp: z.string().optional(), smtpResponse: z.string().optional() }).optional(),
});

/** Our Message-ID: the header as sent (SES reports it in commonHeaders / headers; mail.messageId is SES's own). */
function originalMessageId(mail: z.infer<typeof SesMail>): string | undefined {
  return mail.commonHeaders?.messageId ?? mail.headers?.find((h) => h.name.toLowerCase() === 'message-id')?.value;
}

/**
 * The report in an SES notification, keyed by the SNS MessageId (SNS redelivers a
 * notification with the same id). Null for notification types Herald does not act on.
 */
export function sesEvent(envelope: SnsEnvelope): ProviderEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(envelope.Message);
  } catch {
    return null;
  }
  const parsed = SesNotification.safeParse(json);
  if (!parsed.success) return null;
  const notification = parsed.data;
  const messageId = originalMessageId(notification.mail);
  if (!messageId) return null;
  const base = { id: envelope.MessageId, messageId, detail: { ses_message_id: notification.mail.messageId } };
  switch (notification.notificationType ?? notification.eventType) {
    case 'Bounce': {
      const bounce = notification.bounce;
      const reason = bounce?.bouncedRecipients?.map((r) => r.diagnosticCode).find(Boolean) ?? bounce?.bounceSubType;
      return { ...base, type: 'bounce', bounceType: bounce?.bounceType === 'Permanent' ? 'hard' : 'soft', reason, at: reportedAt(bounce?.timestamp) };
    }
    case 'Complaint':
      return { ...base, type: 'complaint', reason: notification.complaint?.complaintFeedbackType, at: reportedAt(notification.complaint?.timestamp) };
    case 'Delivery':
      return { ...base, type: 'delivery', at: reportedAt(notification.delivery?.timestamp) };
    default:
      return null;
  }
}

/** Default certificate fetcher: https only (checked by the caller), small, quick. */
export async function fetchSnsCertificate(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`certificate fetch answered ${response.status}`);
  const pem = await response.text();
  if (pem.length > 20_000 || !pem.includes('BEGIN CERTIFICATE')) throw new Error('not a certificate');
  return pem;
}

export async function visitSubscribeUrl(url: string): Promise<void> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`subscription confirmation answered ${response.status}`);
}
