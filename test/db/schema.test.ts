import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { openTestDatabase } from '../helpers/db.ts';

// Everything shared/seeds/000_d119470ec20a05fa.txt names: tables, columns with types, indexes.
const SEED_COLUMNS: Record<string, Record<string, string>> = {
  users: {
    id: 'uuid', email: 'character varying', password_hash: 'character varying', subscription_tier: 'character varying',
    subscription_status: 'character varying', monthly_email_limit: 'integer', monthly_emails_sent: 'integer',
    contact_limit: 'integer', metadata: 'jsonb', settings: 'jsonb', created_at: 'timestamp with time zone',
    updated_at: 'timestamp with time zone', deleted_at: 'timestamp with time zone',
  },
  lists: {
    id: 'bigint', user_id: 'uuid', name: 'character varying', description: 'text', contact_count: 'integer',
    metadata: 'jsonb', created_at: 'timestamp with time zone', updated_at: 'timestamp with time zone',
    deleted_at: 'timestamp with time zone',
  },
  contacts: {
    id: 'bigint', user_id: 'uuid', email: 'character varying', first_name: 'character varying',
    last_name: 'character varying', status: 'character varying', custom_fields: 'jsonb', tags: 'ARRAY',
    last_engaged_at: 'timestamp with time zone', created_at: 'timestamp with time zone', deleted_at: 'timestamp with time zone',
  },
  templates: {
    id: 'bigint', user_id: 'uuid', name: 'character varying', html_content: 'text', text_content: 'text',
    category: 'character varying', is_public: 'boolean', usage_count: 'integer', created_at: 'timestamp with time zone',
    deleted_at: 'timestamp with time zone',
  },
  campaigns: {
    id: 'bigint', user_id: 'uuid', template_id: 'bigint', name: 'character varying', subject: 'character varying',
    html_content: 'text', status: 'character varying', scheduled_at: 'timestamp with time zone',
    sent_at: 'timestamp with time zone', emails_sent: 'integer', emails_delivered: 'integer', emails_opened: 'integer',
    emails_clicked: 'integer', emails_bounced: 'integer', emails_unsubscribed: 'integer', open_rate: 'numeric',
    click_rate: 'numeric', bounce_rate: 'numeric', metadata: 'jsonb', deleted_at: 'timestamp with time zone',
  },
  list_contacts: { id: 'bigint', list_id: 'bigint', contact_id: 'bigint', created_at: 'timestamp with time zone' },
  campaign_lists: { id: 'bigint', campaign_id: 'bigint', list_id: 'bigint', created_at: 'timestamp with time zone' },
  email_events: {
    id: 'bigint', campaign_id: 'bigint', contact_id: 'bigint', event_type: 'character varying', user_agent: 'text',
    ip_address: 'inet', location: 'character varying', device_type: 'character varying', link_url: 'text',
    link_text: 'text', bounce_type: 'character varying', bounce_reason: 'text', metadata: 'jsonb',
    created_at: 'timestamp with time zone',
  },
};

const SEED_INDEXES = [
  'idx_contacts_user_id', 'idx_contacts_email', 'idx_contacts_status', 'idx_contacts_tags', 'idx_contacts_custom_fields',
  'idx_email_events_campaign_id', 'idx_email_events_contact_id', 'idx_email_events_event_type',
  'idx_email_events_created_at', 'idx_email_events_campaign_contact', 'idx_campaigns_status',
  'idx_campaigns_scheduled_at', 'idx_campaigns_sent_at', 'idx_lists_user_id', 'idx_lists_deleted_at',
];

const PRODUCT_TABLES = [
  'slack_workspaces', 'members', 'campaign_recipients', 'campaign_links', 'audit_log', 'digest_subscriptions',
  'imports', 'processed_events',
];

let db: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

async function columnsOf(table: string) {
  const rows = await db.primary.any(sql.type(z.object({ column_name: z.string(), data_type: z.string() }))`
    SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${table}`);
  return Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
}

async function checkClauses(table: string) {
  return db.primary.anyFirst(sql.type(z.object({ def: z.string() }))`
    SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ${table}::regclass AND contype = 'c'`);
}

describe('schema from the seed', () => {
  for (const [table, expected] of Object.entries(SEED_COLUMNS)) {
    it(`${table} has every seed column with its type`, async () => {
      const actual = await columnsOf(table);
      for (const [column, type] of Object.entries(expected)) {
        expect(actual[column], `${table}.${column}`).toBe(type);
      }
    });
  }

  it('has every index the seed lists', async () => {
    const names = await db.primary.anyFirst(sql.type(z.object({ indexname: z.string() }))`
      SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`);
    for (const index of SEED_INDEXES) expect(names, index).toContain(index);
    const gin = await db.primary.anyFirst(sql.type(z.object({ indexdef: z.string() }))`
      SELECT indexdef FROM pg_indexes WHERE indexname IN ('idx_contacts_tags', 'idx_contacts_custom_fields')`);
    expect(gin.every((def) => def.includes('USING gin'))).toBe(true);
  });

  it('keeps the seed CHECKs on tier, status and event type', async () => {
    const users = (await checkClauses('users')).join('\n');
    for (const tier of ['free', 'starter', 'growth', 'pro', 'scale']) expect(users).toContain(`'${tier}'`);
    for (const status of ['active', 'cancelled', 'past_due', 'trialing']) expect(users).toContain(`'${status}'`);
    const events = (await checkClauses('email_events')).join('\n');
    for (const type of ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'unsubscribed', 'complained']) {
      expect(events).toContain(`'${type}'`);
    }
    const campaigns = (await checkClauses('campaigns')).join('\n');
    for (const status of ['draft', 'scheduled', 'sending', 'sent', 'paused', 'cancelled']) expect(campaigns).toContain(`'${status}'`);
  });

  it('has the product tables beyond the seed', async () => {
    for (const table of PRODUCT_TABLES) expect(Object.keys(await columnsOf(table)).length, table).toBeGreaterThan(0);
    const recipientStatus = (await checkClauses('campaign_recipients')).join('\n');
    for (const s of ['pending', 'sending', 'sent', 'failed', 'unknown', 'skipped']) expect(recipientStatus).toContain(`'${s}'`);
    const roles = (await checkClauses('members')).join('\n');
    for (const role of ['admin', 'approver', 'editor']) expect(roles).toContain(`'${role}'`);
  });

  it('partitions email_events by month with a default partition', async () => {
    const strategy = await db.primary.oneFirst(sql.type(z.object({ s: z.string() }))`
      SELECT partstrat::text AS s FROM pg_partitioned_table WHERE partrelid = 'email_events'::regclass`);
    expect(strategy).toBe('r');
    const parts = await db.primary.anyFirst(sql.type(z.object({ relname: z.string() }))`
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'email_events'::regclass`);
    expect(parts).toContain('email_events_default');
    expect(parts.filter((p) => /^email_events_\d{4}_\d{2}$/.test(p)).length).toBeGreaterThanOrEqual(3);
  });

  it('installs the seed triggers', async () => {
    const triggers = await db.primary.anyFirst(sql.type(z.object({ tgname: z.string() }))`
      SELECT tgname FROM pg_trigger WHERE NOT tgisinternal`);
    for (const t of ['users_updated_at', 'lists_updated_at', 'contacts_updated_at', 'templates_updated_at',
      'campaigns_updated_at', 'list_contacts_count_ins', 'list_contacts_count_del', 'email_events_stats']) {
      expect(triggers).toContain(t);
    }
  });
});
