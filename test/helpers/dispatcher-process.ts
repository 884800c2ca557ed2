import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import { openTestDatabase } from './db.ts';
import { campaignRow, CARD_CHANNEL, seedAccount, seedCampaign, seedContacts, seedList, TEST_SECRET } from './delivery.ts';
import { startFakeSlack } from './fake-slack.ts';
import { startSmtpSink, type SinkScript } from './smtp-sink.ts';

export type Exit = { code: number | null; signal: NodeJS.Signals | null; stderr: string };
export type DispatcherProcess = {
  child: ChildProcess;
  /** resolves once the process is connected and waits for go() */
  ready: Promise<void>;
  go(): void;
  exited: Promise<Exit>;
};

/**
 * A database, an SMTP sink and a fake Slack for dispatchers running as processes of their
 * own (test/jobs/dispatcher-child.ts, started with this process's Node binary).
 */
export async function startProcessFixture(script: SinkScript = {}) {
  const db = await openTestDatabase();
  const sink = await startSmtpSink({ parse: false, ...script });
  const slack = await startFakeSlack();
  return {
    db,
    sink,
    /** A due campaign to `count` new contacts of a new account. */
    async campaignTo(count: number, prefix: string): Promise<CampaignRef> {
      const userId = await seedAccount(db.primary);
      const ids = await seedContacts(db.primary, userId, Array.from({ length: count }, (_, i) => ({ email: `${prefix}${i}@example.org` })));
      return seedCampaign(db.primary, userId, { listIds: [await seedList(db.primary, userId, ids)] });
    },
    /** A dispatcher process whose EHLO name is `name`; after go() it dispatches until the campaign is settled, then exits 0. */
    run(name: string, ref: CampaignRef, options: { batchSize: number; leaseSeconds: number }): DispatcherProcess {
      const child = spawn(process.execPath, [join(import.meta.dirname, '../jobs/dispatcher-child.ts')], {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: db.url,
          SMTP_URL: sink.url(name),
          SLACK_API_URL: slack.apiUrl,
          HERALD_SECRET: TEST_SECRET,
          CAMPAIGN_USER_ID: ref.userId,
          CAMPAIGN_ID: String(ref.campaignId),
          BATCH_SIZE: String(options.batchSize),
          LEASE_SECONDS: String(options.leaseSeconds),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
      child.stdin?.on('error', () => {}); // a killed process closes its stdin
      const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (chunk) => String(chunk).includes('ready') && resolve());
        void exited.then((exit) => reject(new Error(`dispatcher process exited before it was ready: ${exit.stderr}`)));
      });
      return { child, ready, exited, go: () => child.stdin?.write('go\n') };
    },
    /** The texts posted in the campaign card's thread. */
    async thread(ref: CampaignRef): Promise<Array<string | undefined>> {
      return slack.thread(CARD_CHANNEL, (await campaignRow(db.primary, ref)).slack_message_ts).map((m) => m.text);
    },
    async close() {
      await slack.close();
      await sink.close();
      await db.close();
    },
  };
}
