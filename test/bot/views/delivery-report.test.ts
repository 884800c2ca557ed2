import { describe, expect, it } from 'vitest';
import {
  accountPausedNotice,
  failedNotice,
  finishedNotice,
  quotaPausedNotice,
  RETRY_UNKNOWN_ACTION,
  startedNotice,
} from '../../../src/bot/views/delivery-report.ts';
import { assertValidMessageBlocks } from '../../helpers/fake-slack.ts';

describe('delivery notices', () => {
  it('reports the counts; with unknown outcomes it explains them and offers a retry button Slack accepts', () => {
    const notice = finishedNotice({ campaignId: 42n, sent: 12_345, failed: 2, skipped: 10, unknown: 3 });
    expect(notice.text).toBe('Sending finished: 12,345 sent, 2 failed, 10 skipped, 3 unknown (12,360 recipients).');
    assertValidMessageBlocks(notice.blocks ?? []);
    const button = (notice.blocks as Array<{ accessory?: { action_id: string; value: string } }>)[1]?.accessory;
    expect(button).toMatchObject({ action_id: RETRY_UNKNOWN_ACTION, value: '42' });
    expect(JSON.stringify(notice.blocks)).toContain('3 recipients are *unknown*');
  });

  it('has no retry button when every outcome is known', () => {
    const notice = finishedNotice({ campaignId: 7n, sent: 1, failed: 0, skipped: 0, unknown: 0 });
    assertValidMessageBlocks(notice.blocks ?? []);
    expect(notice.blocks).toHaveLength(1);
  });

  it('says why sending paused, stopped or started', () => {
    expect(startedNotice(2000, 4).text).toBe('Sending started to 1,996 of 2,000 recipients (4 skipped: unsubscribed, bounced, complained or deleted).');
    expect(quotaPausedNotice(1000, 10, 40).text).toContain("monthly email limit of 1,000 is used up. 10 sent so far, 40 still waiting.");
    expect(accountPausedNotice('past_due').text).toContain('subscription is past due');
    expect(failedNotice('the email template has an error').text).toBe('Sending failed: the email template has an error');
  });
});
