import { insertEvents } from '../db/events.ts';
import type { DatabasePool } from '../db/pool.ts';
import { contactStatus, suppressContact } from '../db/suppression.ts';
import type { TokenClaims } from './tokens.ts';

/** The contact an unsubscribe token is for (null when it no longer exists). */
export async function unsubscribeTarget(db: DatabasePool, claims: TokenClaims): Promise<{ email: string; subscribed: boolean } | null> {
  const contact = await contactStatus(db, claims.userId, claims.contactId);
  return contact ? { email: contact.email, subscribed: contact.status === 'subscribed' && !contact.deleted } : null;
}

/**
 * One-click unsubscribe: the contact becomes 'unsubscribed' (so every later send skips it,
 * and imports keep it so) and the campaign gets its 'unsubscribed' event. Repeating it
 * changes nothing. The event goes first: its stats trigger locks the campaign and recipient
 * before the contact, the order every event writer uses.
 */
export async function unsubscribe(db: DatabasePool, claims: TokenClaims, request: { userAgent?: string; ip?: string }): Promise<void> {
  const target = await unsubscribeTarget(db, claims);
  if (!target?.subscribed) return;
  await db.transaction(async (tx) => {
    await insertEvents(tx, [
      { ...claims, type: 'unsubscribed', userAgent: request.userAgent ?? null, ip: request.ip ?? null, metadata: { via: 'link' } },
    ]);
    await suppressContact(tx, claims.userId, claims.contactId, 'unsubscribed');
  });
}
