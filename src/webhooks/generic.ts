import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { reportedAt, type ProviderEvent } from './apply.ts';

/**
 * Herald's own webhook format, for any provider or relay that can sign a request:
 *   POST /webhooks/generic
 *   X-Herald-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with HERALD_SECRET>
 *   {"id": "evt-1", "type": "bounce", "message_id": "<…@…>", "bounce_type": "hard", "reason": "550 5.1.1 user unknown"}
 * or {"events": [ …up to 100 of those… ]}. type is bounce | complaint | delivery; bounce_type
 * is hard (default) or soft; occurred_at is an optional ISO timestamp (one in the future counts as
 * the time the report arrives).
 */
export const SIGNATURE_HEADER = 'x-herald-signature';

const GenericEvent = z
  .object({
    id: z.string().trim().min(1).max(200),
    type: z.enum(['bounce', 'complaint', 'delivery']),
    message_id: z.string().trim().min(3).max(255),
    bounce_type: z.enum(['hard', 'soft']).optional(),
    reason: z.string().max(2000).optional(),
    occurred_at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

const GenericBatch = z.object({ events: z.array(GenericEvent).min(1).max(100) }).strict();

export function genericSignature(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function verifyGenericSignature(secret: string, body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(genericSignature(secret, body));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The events of a verified body, or what is wrong with it. */
export function parseGenericBody(body: Buffer): { events: ProviderEvent[] } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { error: 'body is not JSON' };
  }
  const isBatch = typeof json === 'object' && json !== null && 'events' in json;
  const parsed = isBatch ? GenericBatch.safeParse(json) : GenericEvent.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` };
  }
  const events = 'events' in parsed.data ? parsed.data.events : [parsed.data];
  return {
    events: events.map((event) => ({
      id: event.id,
      type: event.type,
      messageId: event.message_id,
      bounceType: event.bounce_type,
      reason: event.reason,
      at: reportedAt(event.occurred_at),
    })),
  };
}
