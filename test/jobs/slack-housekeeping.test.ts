import { pino } from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config.ts';
import { slackHousekeepingJob } from '../../src/jobs/slack-housekeeping.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { createAccount } from '../helpers/fixtures.ts';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});

it('forgets Slack event ids older than a week and shared files older than a day, keeping the rest', async () => {
  const userId = await createAccount(db.primary);
  await db.primary.query(sql.unsafe`
    INSERT INTO processed_events (source, event_id, received_at) VALUES
      ('slack', 'EvOLD', now() - interval '8 days'), ('slack', 'EvNEW', now() - interval '6 days'),
      ('ses', 'other-source', now() - interval '30 days')`);
  await db.primary.query(sql.unsafe`
    INSERT INTO slack_files (user_id, file_id, slack_user_id, channel_id, shared_at) VALUES
      (${userId}, 'FOLD', 'U1', 'C1', now() - interval '25 hours'), (${userId}, 'FNEW', 'U1', 'C1', now() - interval '1 hour')`);
  await slackHousekeepingJob({ config: loadConfig({}), log: pino({ level: 'silent' }), db }).run();
  expect(await db.primary.anyFirst(sql.type(z.object({ event_id: z.string() }))`SELECT event_id FROM processed_events ORDER BY event_id`))
    .toEqual(['EvNEW', 'other-source']);
  expect(await db.primary.anyFirst(sql.type(z.object({ file_id: z.string() }))`SELECT file_id FROM slack_files`)).toEqual(['FNEW']);
});
