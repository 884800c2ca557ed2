import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { until } from './slack-sign.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export type HeraldProcess = {
  port: number;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
};

/** Runs `node src/main.ts` as `npm start` does, with only the given environment (plus PATH and HOME). */
export async function startHeraldProcess(env: Record<string, string>, readyLine: string): Promise<HeraldProcess> {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let code: number | null | undefined;
  void exited.then((c) => (code = c));
  try {
    await until(() => output.includes(readyLine) || code !== undefined, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  if (code !== undefined) throw new Error(`Herald exited with ${code}:\n${output}`);
  return {
    port: Number(env.PORT),
    output: () => output,
    async stop() {
      if (code === undefined) child.kill('SIGTERM');
      return exited;
    },
  };
}
