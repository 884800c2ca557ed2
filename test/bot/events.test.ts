import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(async () => {
  await herald.close();
});

const homeOpened = (user: string) => ({ type: 'app_home_opened', user, channel: 'DHOME', tab: 'home', event_ts: '1700000000.1' });

describe('Events API deliveries', () => {
  it('publishes the App Home tab', async () => {
    const outcome = await herald.event(homeOpened('UHOME'));
    expect(outcome.status).toBe(200);
    expect(outcome.calls.map((c) => c.method)).toContain('views.publish');
    expect(JSON.stringify(herald.slack.homeViews.get('UHOME'))).toContain('/herald help');
  });

  it('processes a retried or duplicated event_id once', async () => {
    const first = await herald.event(homeOpened('UONCE'), { eventId: 'EvDUP' });
    const retry = await herald.event(homeOpened('UONCE'), { eventId: 'EvDUP', retryNum: 1 });
    const duplicate = await herald.event(homeOpened('UONCE'), { eventId: 'EvDUP' });
    expect([first.status, retry.status, duplicate.status]).toEqual([200, 200, 200]);
    expect(first.calls.filter((c) => c.method === 'views.publish')).toHaveLength(1);
    expect(retry.calls.filter((c) => c.method === 'views.publish')).toHaveLength(0);
    expect(duplicate.calls.filter((c) => c.method === 'views.publish')).toHaveLength(0);
    const keys = await herald.db.primary.anyFirst(sql.type(z.object({ event_id: z.string() }))`
      SELECT event_id FROM processed_events WHERE event_id = 'EvDUP'`);
    expect(keys).toEqual(['EvDUP']);
  });

  it('lets Slack retry an event whose processing failed', async () => {
    const failing = await herald.event(homeOpened('UFAIL'), { eventId: 'EvFAIL', team: 'T'.repeat(40) });
    expect(failing.status).toBe(200);
    const keys = await herald.db.primary.anyFirst(sql.type(z.object({ event_id: z.string() }))`
      SELECT event_id FROM processed_events WHERE event_id = 'EvFAIL'`);
    expect(keys).toEqual([]);
  });
});
