import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { resolveOpsDatabase } from './ops-database.ts';
import { PgToolError } from './pg-process.ts';
import { MissingPgToolError } from './pg-tools.ts';
import { RestoreRefusedError } from './restore.ts';

/** Errors whose message is the whole story for the operator: no stack trace. */
function isOperatorError(error: unknown): error is Error {
  return [ConfigError, MissingPgToolError, PgToolError, RestoreRefusedError].some((type) => error instanceof type);
}

/**
 * Runs an ops command: parses `<file> [--flag…]`, finds the database like `npm start`,
 * prints progress to stdout and a clear error to stderr. Exit codes: 0 done, 1 failed,
 * 2 refused or bad usage (nothing changed).
 */
export async function runFileCommand(
  usage: string,
  booleanFlags: readonly string[],
  command: (url: string, file: string, flags: ReadonlySet<string>) => Promise<unknown>,
): Promise<void> {
  const options = Object.fromEntries(booleanFlags.map((flag) => [flag, { type: 'boolean' as const }]));
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\nUsage: ${usage}`);
    process.exitCode = 2;
    return;
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) {
    console.error(`Usage: ${usage}`);
    process.exitCode = 2;
    return;
  }
  try {
    const database = await resolveOpsDatabase(loadConfig());
    try {
      const flags = new Set(Object.keys(parsed.values).filter((flag) => parsed.values[flag] === true));
      await command(database.url, file, flags);
    } finally {
      await database.stop();
    }
  } catch (error) {
    console.error(isOperatorError(error) ? error.message : error);
    process.exitCode = error instanceof RestoreRefusedError || error instanceof ConfigError ? 2 : 1;
  }
}
