import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export class PgToolError extends Error {}

/**
 * The connection for a client tool: the URL without its password (command lines are
 * visible to every user of the machine) and the password in PGPASSWORD.
 */
export function clientConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env, PGAPPNAME: 'herald-ops' };
  if (password) env.PGPASSWORD = password;
  return { dbname: parsed.toString(), env };
}

/** "postgres://u:secret@host:5432/db" → "host:5432/db", for messages. */
export function describeDatabase(url: string): string {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname}`;
}

export type RunningTool = { child: ChildProcess; done: Promise<void> };

type RunOptions = {
  /** the database to connect to; none for tools that only read or write files */
  url?: string;
  stdin: 'ignore' | 'pipe';
  stdout: 'ignore' | 'pipe';
  onStderrLine: (line: string) => void;
};

/**
 * Runs a PostgreSQL client tool. Each stderr line goes to onStderrLine; the last few are
 * kept so that a failure says what the tool said.
 */
export function runPgTool(binary: string, args: string[], options: RunOptions): RunningTool {
  const connection = options.url ? clientConnection(options.url) : undefined;
  const child = spawn(binary, connection ? [...args, `--dbname=${connection.dbname}`] : args, {
    env: connection?.env ?? process.env,
    stdio: [options.stdin, options.stdout, 'pipe'],
  });
  const lastLines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    lastLines.push(line);
    if (lastLines.length > 10) lastLines.shift();
    options.onStderrLine(line);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const said = lastLines.filter((line) => !line.includes(': processing ') && !line.includes(': dumping '));
      reject(new PgToolError(`${binary} failed (${signal ?? `exit ${code}`}): ${said.join(' | ') || 'no message'}`));
    });
  });
  return { child, done };
}

/** Runs a tool without a database connection (e.g. pg_restore --list) and returns its stdout. */
export function readPgToolOutput(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new PgToolError(`${binary} failed (exit ${code}): ${stderr.trim()}`)),
    );
  });
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
