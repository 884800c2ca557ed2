import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { claimEvent, releaseEvent, SLACK_EVENTS_SOURCE } from '../../../db/processed-events.ts';
import type { Services } from '../../../services.ts';

/**
 * Global middleware: an Events API delivery whose event_id was processed already (Slack
 * retries with x-slack-retry-num when an ack is late, and may deliver twice) is dropped.
 * A delivery whose listeners fail releases its id so Slack's retry gets another chance.
 */
export function processEventsOnce(services: Services): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next, context }) => {
    const eventId = (body as { type?: string; event_id?: unknown }).type === 'event_callback' ? (body as { event_id?: unknown }).event_id : undefined;
    if (typeof eventId !== 'string') return next();
    if (!(await claimEvent(services.db.primary, SLACK_EVENTS_SOURCE, eventId))) {
      services.log.debug({ eventId, retryNum: context.retryNum, retryReason: context.retryReason }, 'duplicate Slack event skipped');
      return;
    }
    try {
      await next();
    } catch (error) {
      await releaseEvent(services.db.primary, SLACK_EVENTS_SOURCE, eventId);
      throw error;
    }
  };
}
