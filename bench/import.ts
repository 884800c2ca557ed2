import type pg from 'pg';
import { importCsv } from '../src/imports/import.ts';
import { arrayLiteral, copyLine, copyRows } from './copy.ts';
import { alternate, median, seededRandom, timed, type Bench } from './harness.ts';
import { addToList, createAccount, createContacts, createList } from './seed.ts';

/**
 * Herald: a CSV export (Mailchimp-like headers, a quoted TAGS column, a few invalid and
 * repeated emails) through the real import path, src/imports/import.ts importCsv: decode,
 * parse, map, validate, COPY into staging, merge into contacts and the list, record the
 * import, all in one transaction.
 *
 * Baseline: the same contacts, already parsed and validated, COPYed into scratch copies of
 * contacts and list_contacts (same columns, constraints and indexes, created with LIKE …
 * INCLUDING ALL), memberships with ids chosen up front: no Herald logic at all. After the
 * rounds the baseline's COPY also goes once into the real tables (schemaCeiling), to show
 * what their foreign keys and trigger cost.
 *
 * Both rates count the file's data rows.
 */

const HEADER = 'Email Address,First Name,Last Name,Company,City,Plan,TAGS';
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Tim'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Berners-Lee'];
const CITIES = ['Lisbon', 'Oslo', 'Osaka', 'Lyon', 'Austin', 'Cork'];
const PLANS = ['starter', 'growth', 'pro'];

type ParsedContact = { email: string; firstName: string; lastName: string; customFields: Record<string, string>; tags: string[] };

/** Several tags are quoted, as Mailchimp writes them. */
function csvLine(contact: ParsedContact): string {
  const tags = contact.tags.length > 1 ? `"${contact.tags.join(',')}"` : contact.tags.join('');
  const { company, city, plan } = contact.customFields;
  return [contact.email, contact.firstName, contact.lastName, company, city, plan, tags].join(',');
}

/** The CSV file and the contacts it should produce (valid, first occurrence of each email). */
function generateFile(rows: number): { bytes: Buffer; contacts: ParsedContact[] } {
  const random = seededRandom(3);
  const lines = [HEADER];
  const contacts: ParsedContact[] = [];
  for (let i = 0; i < rows; i++) {
    const roll = random();
    if (roll < 0.005) {
      lines.push(`not-an-email-${i},Broken,Row,,,,`);
      continue;
    }
    if (roll < 0.01 && contacts.length > 0) {
      // the same person again, in capitals: a duplicate of an earlier line
      const earlier = contacts[Math.floor(random() * contacts.length)]!;
      lines.push(csvLine({ ...earlier, email: earlier.email.toUpperCase() }));
      continue;
    }
    const contact: ParsedContact = {
      email: `reader${i}@example.com`,
      firstName: FIRST[i % FIRST.length]!,
      lastName: LAST[(i >> 2) % LAST.length]!,
      customFields: { company: `Company ${i % 4999}`, city: CITIES[i % CITIES.length]!, plan: PLANS[i % PLANS.length]! },
      tags: i % 5 === 0 ? ['beta', 'vip'] : i % 3 === 0 ? ['newsletter'] : [],
    };
    lines.push(csvLine(contact));
    contacts.push(contact);
  }
  return { bytes: Buffer.from(`${lines.join('\r\n')}\r\n`), contacts };
}

/**
 * The account already on this server, so the tables look like a running Herald's (and
 * their statistics are current, as autovacuum keeps them): as many contacts as the file
 * has rows, all on one list. The scratch tables start with the same rows.
 * (An import into an empty installation is about as fast: 200k rows in 15 s here.)
 */
async function seedExistingTenant(client: pg.Client, rows: number): Promise<void> {
  const userId = await createAccount(client, 'tenant');
  const listId = await createList(client, userId, 'Customers');
  await addToList(client, userId, listId, await createContacts(client, userId, rows, 'tenant.example.com'));
  await client.query('CREATE TABLE scratch_contacts (LIKE contacts INCLUDING ALL)');
  await client.query('CREATE TABLE scratch_list_contacts (LIKE list_contacts INCLUDING ALL)');
  await client.query('INSERT INTO scratch_contacts OVERRIDING SYSTEM VALUE SELECT * FROM contacts');
  await client.query('INSERT INTO scratch_list_contacts OVERRIDING SYSTEM VALUE SELECT * FROM list_contacts');
  await client.query('VACUUM ANALYZE');
}

const SCRATCH = { contacts: 'scratch_contacts', memberships: 'scratch_list_contacts' };
const REAL = { contacts: 'contacts', memberships: 'list_contacts' };

/** The baseline: the parsed contacts and their memberships COPYed into `tables` (the scratch copies), ids chosen up front. */
async function copyBaseline(
  client: pg.Client,
  tables: typeof SCRATCH,
  target: { userId: string; listId: bigint; firstId: bigint },
  contacts: readonly ParsedContact[],
): Promise<void> {
  const id = (index: number) => String(target.firstId + BigInt(index));
  await client.query('BEGIN');
  await copyRows(client, `COPY ${tables.contacts} (user_id, id, email, first_name, last_name, custom_fields, tags) FROM STDIN`, contacts,
    (contact, index) => copyLine([
      target.userId, id(index), contact.email, contact.firstName, contact.lastName, JSON.stringify(contact.customFields), arrayLiteral(contact.tags),
    ]));
  await copyRows(client, `COPY ${tables.memberships} (user_id, list_id, contact_id) FROM STDIN`, contacts,
    (_contact, index) => copyLine([target.userId, String(target.listId), id(index)]));
  await client.query('COMMIT');
}

/**
 * Not a side of the comparison: the baseline's COPY once more, into the real contacts and
 * list_contacts, whose foreign keys (account; list and contact of each membership) and
 * list-size trigger the scratch copies lack. What the schema alone costs: the most Herald's
 * ratio could be with no logic of its own.
 */
async function schemaCeiling(client: pg.Client, target: { userId: string; listId: bigint }, contacts: readonly ParsedContact[], baselineMs: number) {
  await resetImportingAccount(client, target.userId, target.listId);
  const firstId = BigInt((await client.query<{ next: string }>('SELECT max(id) + 1 AS next FROM contacts')).rows[0]!.next);
  const { ms } = await timed(() => copyBaseline(client, REAL, { ...target, firstId }, contacts));
  return { ms, ratio: baselineMs / ms };
}

/** Removes what the last round wrote: the importing account's contacts, memberships and imports. */
async function resetImportingAccount(client: pg.Client, userId: string, listId: bigint): Promise<void> {
  for (const table of ['import_contact_changes', 'list_contacts', 'contacts', 'imports', 'scratch_list_contacts', 'scratch_contacts']) {
    await client.query(`DELETE FROM ${table} WHERE user_id = $1`, [userId]);
  }
  await client.query('UPDATE lists SET contact_count = 0 WHERE user_id = $1 AND id = $2', [userId, String(listId)]);
  await client.query('VACUUM ANALYZE contacts, list_contacts, imports, lists, scratch_contacts, scratch_list_contacts');
}

export const importBench: Bench = {
  name: 'import',
  summary: 'CSV → contacts + list through the real import path vs bare COPY of the parsed rows into scratch tables',
  async run({ server, options, log }) {
    const rows = options.int('import-rows', 200_000);
    return server.withDatabase('import', async (db, client) => {
      await seedExistingTenant(client, rows);
      const userId = await createAccount(client, 'import');
      const listId = await createList(client, userId, 'Everyone');
      // the baseline picks its contact ids itself, after the existing tenant's
      const firstId = BigInt((await client.query<{ next: string }>('SELECT max(id) + 1 AS next FROM scratch_contacts')).rows[0]!.next);
      const { bytes, contacts } = generateFile(rows);
      log(`${rows} rows, ${(bytes.length / 2 ** 20).toFixed(1)} MiB, ${contacts.length} valid unique contacts`);

      let imported = 0;
      const sides = (file: ReturnType<typeof generateFile>) => ({
        herald: {
          prepare: () => resetImportingAccount(client, userId, listId),
          async run() {
            const report = await importCsv(db, { userId, memberId: 'UBENCH' }, listId, { bytes: file.bytes, fileId: null, filename: 'contacts.csv' });
            imported = report.newCount;
          },
        },
        baseline: { prepare: () => resetImportingAccount(client, userId, listId), run: () => copyBaseline(client, SCRATCH, { userId, listId, firstId }, file.contacts) },
      });
      const times = await alternate(options.rounds, sides({ bytes, contacts }), log, sides(generateFile(Math.ceil(rows / 10))));
      if (imported !== contacts.length) throw new Error(`Herald imported ${imported} contacts, expected ${contacts.length}`);

      const herald = (rows * 1000) / median(times.herald);
      const baseline = (rows * 1000) / median(times.baseline);
      const ratio = herald / baseline;
      const ceiling = await schemaCeiling(client, { userId, listId }, contacts, median(times.baseline));
      log(`the baseline's COPY into the real tables (keys and trigger): ${Math.round(ceiling.ms)} ms, ${ceiling.ratio.toFixed(2)}× the scratch tables' rate`);
      return {
        name: 'import',
        herald: { value: herald, unit: 'rows/s', note: `same COPY into the real tables: ${ceiling.ratio.toFixed(2)}×` },
        baseline: { value: baseline, unit: 'rows/s' },
        ratio,
        target: '≥ 0.50× (listmonk ~10k rows/s)',
        pass: ratio >= 0.5,
        details: { rows, contacts: contacts.length, fileBytes: bytes.length, roundsMs: times, realTablesCopyMs: ceiling.ms, realTablesCopyRatio: ceiling.ratio },
      };
    });
  },
};
