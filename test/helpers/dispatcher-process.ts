import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import { TEST_SECRET } from './delivery.ts';

export type DispatcherProcess = { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> };

/** Starts test/jobs/dispatcher-child.ts with Node (this process's binary) against the given database and SMTP sink. */
export function spawnDispatcher(options: {
  databaseUrl: string;
  smtpUrl: string;
  slackApiUrl: string;
  ref: CampaignRef;
  batchSize: number;
  leaseSeconds: number;
}): DispatcherProcess {
  const child = spawn(process.execPath, [join(import.meta.dirname, '../jobs/dispatcher-child.ts')], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: options.databaseUrl,
      SMTP_URL: options.smtpUrl,
      SLACK_API_URL: options.slackApiUrl,
      HERALD_SECRET: TEST_SECRET,
      CAMPAIGN_USER_ID: options.ref.userId,
      CAMPAIGN_ID: String(options.ref.campaignId),
      BATCH_SIZE: String(options.batchSize),
      LEASE_SECONDS: String(options.leaseSeconds),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}
