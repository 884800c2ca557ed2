import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { runStatement, withDatabase } from '../src/db/admin.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A connection URL to the server; its database is used for administration only. */
    adminUrl: string;
    /** A migrated database that per-file databases are cloned from. */
    templateDatabase: string;
  }
}

/**
 * Starts a throwaway embedded PostgreSQL (or uses TEST_DATABASE_URL), migrates a template
 * database once, and hands both to the test files, which clone their own database from it.
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stopServer = async () => {};
  if (!adminUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), 'herald-test-pg-'));
    const server = await startEmbeddedPostgres({ dataDir, database: 'herald_admin', persistent: false, fast: true });
    adminUrl = server.url;
    stopServer = async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const template = `herald_template_${process.pid}`;
  try {
    await runStatement(adminUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await runStatement(adminUrl, `CREATE DATABASE ${template}`);
    await migrate(withDatabase(adminUrl, template));
  } catch (error) {
    await stopServer().catch(() => {});
    throw error;
  }
  project.provide('adminUrl', adminUrl);
  project.provide('templateDatabase', template);
  return async () => {
    await runStatement(adminUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => {});
    await stopServer();
  };
}
