import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { scanForCitus, type Finding, type SqlSource } from './citus-scanner.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'citus');

function read(file: string): SqlSource {
  return { file: file.slice(ROOT.length + 1), text: readFileSync(file, 'utf8') };
}

/** Herald's SQL: every migration and every query module in src/db. */
function heraldSources(): SqlSource[] {
  const migrations = readdirSync(join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql')).map((f) => join(ROOT, 'migrations', f));
  const queries = readdirSync(join(ROOT, 'src', 'db'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, 'src', 'db', f));
  return [...migrations, ...queries].map(read);
}

const fixture = (name: string) => read(join(FIXTURES, name));
const describeFinding = (f: Finding) => `${f.table}: ${f.problem}`;

/** What Citus needs changed, each with its fix in docs/scaling.md ("Statements that break on Citus"). */
const DOCUMENTED_CITUS_CHANGES = [
  'users: unique users.email UNIQUE (email) lacks id',
  'campaign_recipients: unique campaign_recipients_message_id (message_id) lacks user_id',
  'slack_workspaces: foreign key (user_id) → users: a global table references a tenant table',
];

/** Findings that `extra` adds to Herald's own. */
function findingsOf(...extra: SqlSource[]): Finding[] {
  const own = new Set(scanForCitus(heraldSources()).map(describeFinding));
  return scanForCitus([...heraldSources(), ...extra]).filter((f) => !own.has(describeFinding(f)));
}

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

/** Applies a fixture migration to a migrated database: PostgreSQL accepts what Citus would not. */
async function applies(source: SqlSource): Promise<void> {
  const db = await freshDatabase();
  databases.push(db);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(source.text);
  } finally {
    await client.end();
  }
}

describe('Citus readiness scan', () => {
  it('finds nothing in Herald’s migrations and queries beyond the documented changes', () => {
    expect(scanForCitus(heraldSources()).map(describeFinding).sort()).toEqual([...DOCUMENTED_CITUS_CHANGES].sort());
    const docs = readFileSync(join(ROOT, 'docs', 'scaling.md'), 'utf8');
    for (const name of ['users.email', 'campaign_recipients_message_id', 'slack_workspaces']) expect(docs).toContain(name);
  });

  it('reports a migration that adds a tenant table whose primary key lacks user_id', async () => {
    const bad = fixture('0099_notes_keyed_by_id.sql');
    await applies(bad);
    expect(findingsOf(bad)).toEqual([
      { file: 'test/fixtures/citus/0099_notes_keyed_by_id.sql', table: 'campaign_notes', problem: 'primary key (id) lacks user_id' },
    ]);
  });

  it('reports unique and foreign keys between tenant tables without user_id, and global tables referencing tenant tables', async () => {
    const bad = fixture('0098_threads_referenced_by_id.sql');
    await applies(bad);
    expect(findingsOf(bad).map(describeFinding)).toEqual([
      'processed_events: foreign key (thread_user_id, thread_id) → note_threads: a global table references a tenant table',
      'note_threads: unique note_threads UNIQUE (id) lacks user_id',
      'thread_notes: foreign key (thread_id) → note_threads (id) lacks user_id = note_threads.user_id',
    ]);
  });

  it('reports a query joining tenant tables without user_id', () => {
    expect(findingsOf(fixture('cross_tenant_join.sql')).map(describeFinding)).toEqual([
      'templates: JOIN templates ON t.id = c.template_id does not join on user_id',
    ]);
  });

  it('accepts tenant tables keyed and joined by user_id', () => {
    const good: SqlSource = {
      file: 'good.sql',
      text: `CREATE TABLE campaign_notes (
               user_id uuid NOT NULL REFERENCES users (id),
               id bigint GENERATED ALWAYS AS IDENTITY,
               campaign_id bigint NOT NULL,
               PRIMARY KEY (user_id, id),
               UNIQUE (user_id, campaign_id),
               FOREIGN KEY (user_id, campaign_id) REFERENCES campaigns (user_id, id));
             SELECT n.id FROM campaign_notes n JOIN campaigns c ON c.user_id = n.user_id AND c.id = n.campaign_id;
             SELECT r.email FROM campaign_recipients r JOIN contacts c USING (user_id) WHERE c.id = r.contact_id;`,
    };
    expect(findingsOf(good)).toEqual([]);
  });
});
