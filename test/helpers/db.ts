import type { Interceptor } from 'slonik';
import { inject } from 'vitest';
import { runStatement, withDatabase } from '../../src/db/admin.ts';
import { openDatabase, type Database } from '../../src/db/pool.ts';

export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

const urlFor = (database: string) => withDatabase(inject('adminUrl'), database);
const admin = (text: string) => runStatement(inject('adminUrl'), text);

/** A database of this test file's own: migrated (cloned from the template) or empty. */
export async function freshDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `t_${process.env.VITEST_POOL_ID ?? '0'}_${Math.random().toString(36).slice(2, 10)}`;
  const template = options.migrated === false ? 'template0' : inject('templateDatabase');
  await admin(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  return { url: urlFor(name), name, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export type TestDatabaseOptions = {
  /** Slonik interceptors on every pool (e.g. a query counter). */
  interceptors?: Interceptor[];
  /** Reports read through a pool of their own, as with DATABASE_READ_URL (same database). */
  separateReadPool?: boolean;
  /** Like separateReadPool, and that pool refuses writes, as a streaming replica does. */
  readOnlyReadPool?: boolean;
};

/** The same database through a second connection string whose sessions are read-only, like a replica's. */
export function readOnlyUrl(url: string): string {
  const readOnly = new URL(url);
  readOnly.searchParams.set('options', '-c default_transaction_read_only=on');
  return readOnly.toString();
}

/** A migrated database of its own plus open pools on it; close() drops it. */
export async function openTestDatabase(options: TestDatabaseOptions = {}): Promise<Database & { url: string }> {
  const fresh = await freshDatabase();
  const readUrl = options.readOnlyReadPool ? readOnlyUrl(fresh.url) : options.separateReadPool ? fresh.url : undefined;
  const db = await openDatabase(fresh.url, readUrl, 5, options.interceptors);
  return {
    ...db,
    url: fresh.url,
    async close() {
      await db.close();
      await fresh.drop();
    },
  };
}
