import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { resolveOpsDatabase } from './ops-database.ts';
import { PgToolError } from './pg-process.ts';
import { MissingPgToolError } from './pg-tools.ts';
import { RestoreRefusedError } from './restore.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Errors whose message is the whole story for the operator: no stack trace. */
function isOperatorError(error: unknown): error is Error {
  return [ConfigError, MissingPgToolError, PgToolError, RestoreRefusedError].some((type) => error instanceof type);
}

/**
 * Runs an ops command: parses `<file> [options]`, finds the database like `npm start`,
 * prints progress to stdout and a clear error to stderr. Exit codes: 0 done, 1 failed,
 * 2 refused or bad usage (nothing changed).
 */
export async function runFileCommand<O extends Options>(
  usage: string,
  options: O,
  command: (url: string, file: string, flags: Record<string, unknown>) => Promise<unknown>,
): Promise<void> {
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
      await command(database.url, file, parsed.values);
    } finally {
      await database.stop();
    }
  } catch (error) {
    console.error(isOperatorError(error) ? error.message : error);
    process.exitCode = error instanceof RestoreRefusedError || error instanceof ConfigError ? 2 : 1;
  }
}
