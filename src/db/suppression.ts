import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * Suppresses (as 'bounced') a subscribed contact whose soft bounces reached `limit`. The
 * stats trigger keeps the count (migrations/0079): one per message, back to 0 when mail is
 * seen to arrive.
 */
export async function suppressAfterSoftBounces(db: CommonQueryMethods, userId: string, contactId: bigint, limit: number): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE contacts SET status = 'bounced'
     WHERE user_id = ${userId} AND id = ${contactId} AND status = 'subscribed' AND soft_bounce_count >= ${limit}`);
}

const SuppressedAddress = z.object({ email: z.string(), status: z.enum(['unsubscribed', 'bounced', 'complained']) });
export type SuppressedAddress = z.infer<typeof SuppressedAddress>;

/** The addresses among `emails` of contacts the account must not mail, removed contacts included. */
export async function suppressedAddresses(db: CommonQueryMethods, userId: string, emails: readonly string[]): Promise<readonly SuppressedAddress[]> {
  return db.any(sql.type(SuppressedAddress)`
    SELECT email, status FROM contacts
     WHERE user_id = ${userId} AND email = ANY(${sql.array([...emails], 'text')}) AND status <> 'subscribed'`);
}

const Status = z.object({ email: z.string(), status: z.string(), deleted: z.boolean() });

export async function contactStatus(db: CommonQueryMethods, userId: string, contactId: bigint): Promise<z.infer<typeof Status> | null> {
  return db.maybeOne(sql.type(Status)`
    SELECT email, status, deleted_at IS NOT NULL AS deleted FROM contacts WHERE user_id = ${userId} AND id = ${contactId}`);
}

/**
 * Suppresses a contact: unsubscribed (by the person), bounced or complained (by the provider).
 * A stronger reason overrides a weaker one (complained > bounced > unsubscribed); nothing
 * ever makes a suppressed contact 'subscribed' again here.
 */
export async function suppressContact(
  db: CommonQueryMethods,
  userId: string,
  contactId: bigint,
  status: 'unsubscribed' | 'bounced' | 'complained',
): Promise<boolean> {
  const weaker = { unsubscribed: ['subscribed'], bounced: ['subscribed', 'unsubscribed'], complained: ['subscribed', 'unsubscribed', 'bounced'] }[status];
  const row = await db.maybeOne(sql.type(z.object({ id: z.bigint() }))`
    UPDATE contacts SET status = ${status}
     WHERE user_id = ${userId} AND id = ${contactId} AND status = ANY(${sql.array(weaker, 'text')})
    RETURNING id`);
  return row !== null;
}
