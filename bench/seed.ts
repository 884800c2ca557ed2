import type pg from 'pg';

/**
 * Bulk data for the benches, generated inside PostgreSQL (generate_series) so setting up a
 * million rows costs seconds. Setup is never timed.
 */

type Queryable = Pick<pg.Client, 'query'>;

export async function createAccount(db: Queryable, label: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (email, monthly_email_limit, contact_limit) VALUES ($1, 100000000, 100000000) RETURNING id`,
    [`${label}-${Math.random().toString(36).slice(2, 8)}@bench.example.com`],
  );
  return rows[0]!.id;
}

/**
 * `count` contacts reader<n>@<domain> with a few custom fields; returns their ids in order.
 * Analyzes contacts afterwards unless told not to (when the caller creates many batches and
 * analyzes once at the end).
 */
export async function createContacts(db: Queryable, userId: string, count: number, domain: string, options = { analyze: true }): Promise<bigint[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO contacts (user_id, email, first_name, last_name, custom_fields)
     SELECT $1, format('reader%s@%s', n, $3::text), 'Reader', format('No. %s', n),
            jsonb_build_object('company', format('Company %s', n % 997), 'plan', (ARRAY['starter','growth','pro'])[n % 3 + 1])
       FROM generate_series(1, $2::int) AS n
     ORDER BY n
     RETURNING id`,
    [userId, count, domain],
  );
  // fresh statistics, or joins against these rows plan as if the table were empty
  if (options.analyze) await db.query('ANALYZE contacts');
  return rows.map((row) => BigInt(row.id));
}

export async function createList(db: Queryable, userId: string, name: string): Promise<bigint> {
  const { rows } = await db.query<{ id: string }>(`INSERT INTO lists (user_id, name) VALUES ($1, $2) RETURNING id`, [userId, name]);
  return BigInt(rows[0]!.id);
}

export async function addToList(db: Queryable, userId: string, listId: bigint, contactIds: readonly bigint[]): Promise<void> {
  await db.query(
    `INSERT INTO list_contacts (user_id, list_id, contact_id) SELECT $1, $2, unnest($3::int8[])`,
    [userId, String(listId), contactIds.map(String)],
  );
}

export type SeededCampaign = { campaignId: bigint; contactIds: bigint[]; linkUrls: string[] };

/**
 * A campaign of `contactIds` recipients (ledger rows in `status`) with `links` tracked links.
 */
export async function createCampaign(
  db: Queryable,
  userId: string,
  options: { name: string; contactIds: readonly bigint[]; status?: string; recipientStatus?: string; html?: string; subject?: string; links?: number },
): Promise<SeededCampaign> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO campaigns (user_id, name, subject, html_content, status, recipients_total, from_email)
     VALUES ($1, $2, $3, $4, $5, $6, 'news@bench.example.com') RETURNING id`,
    [userId, options.name, options.subject ?? 'Bench news', options.html ?? '<p>Hello {{first_name}}</p>', options.status ?? 'sent', options.contactIds.length],
  );
  const campaignId = BigInt(rows[0]!.id);
  await db.query(
    `INSERT INTO campaign_recipients (user_id, campaign_id, contact_id, email, status, sent_at)
     SELECT c.user_id, $2, c.id, c.email, $4::text, CASE WHEN $4::text = 'sent' THEN now() END
       FROM unnest($3::int8[]) AS t(id)
       JOIN contacts c ON c.user_id = $1 AND c.id = t.id`,
    [userId, String(campaignId), options.contactIds.map(String), options.recipientStatus ?? 'sent'],
  );
  const linkUrls = Array.from({ length: options.links ?? 3 }, (_, i) => `https://example.com/article-${i + 1}`);
  await db.query(
    `INSERT INTO campaign_links (user_id, campaign_id, url, link_text)
     SELECT $1, $2, u, 'Read more' FROM unnest($3::text[]) AS u`,
    [userId, String(campaignId), linkUrls],
  );
  return { campaignId, contactIds: [...options.contactIds], linkUrls };
}
