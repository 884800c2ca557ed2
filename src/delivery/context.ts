import type { DatabasePool } from '../db/pool.ts';
import type { Logger } from '../log.ts';
import type { MailTransport } from '../mail/transport.ts';
import type { CampaignRef, Notice, Notifier } from '../notify/notifier.ts';
import type { TrackingUrls } from '../tracking/urls.ts';
import { DEFAULT_SCHEDULE_GRACE_MINUTES } from '../jobs/overdue.ts';
import { createCampaignCache, type ComposeContext } from './compose.ts';
import { createAccountRateLimiter } from './rate-limit.ts';

export type DispatchOptions = {
  /** recipients claimed per batch (and per ledger transaction) */
  batchSize: number;
  /** how long a claim lasts; a recipient still 'sending' after it becomes 'unknown' */
  leaseSeconds: number;
  /** sends of one batch in flight at once */
  concurrency: number;
  /** a batch re-reads its campaign's status (paused? cancelled?) before a send at most this often; 0: before every send */
  statusCheckMillis: number;
  /** tries per recipient after 4xx answers; the last one's 4xx makes it 'failed' */
  maxAttempts: number;
  /** wait before the first retry, doubled on each further one (at most an hour) */
  retryBaseSeconds: number;
  /** messages per second per account (SMTP_ACCOUNT_RATE_PER_SECOND) */
  accountRatePerSecond?: number;
  /** messages per second through the transport, all campaigns together (SMTP_RATE_PER_SECOND) */
  ratePerSecond?: number;
  /** DELIVERED_ON=acceptance: a 'delivered' event with every 'sent' (no provider webhook reports deliveries) */
  deliveredOnAcceptance: boolean;
  /** SCHEDULE_GRACE_MINUTES: a campaign overdue by more (Herald was down) is held for a person to confirm */
  scheduleGraceMinutes: number;
};

export const DEFAULT_DISPATCH_OPTIONS: DispatchOptions = {
  batchSize: 200,
  leaseSeconds: 300,
  concurrency: 5,
  statusCheckMillis: 250,
  maxAttempts: 5,
  retryBaseSeconds: 60,
  deliveredOnAcceptance: true,
  scheduleGraceMinutes: DEFAULT_SCHEDULE_GRACE_MINUTES,
};

/**
 * Recipients per claim: the batch size, or fewer when the send rate could not get a batch
 * out (after the head start the next one gets) well within the lease.
 */
export function batchLimit(options: DispatchOptions): number {
  const rate = Math.min(options.ratePerSecond ?? Infinity, options.accountRatePerSecond ?? Infinity);
  return Math.max(1, Math.min(options.batchSize, Math.floor((rate * options.leaseSeconds) / 3)));
}

export type DeliveryDeps = {
  db: DatabasePool;
  transport: MailTransport;
  notifier: Notifier;
  log: Logger;
  urls: TrackingUrls;
  /** From address when neither the campaign nor the account names one (MAIL_FROM) */
  defaultFrom: string;
  unsubscribeMailto?: string;
};

export type DeliveryContext = DeliveryDeps & {
  options: DispatchOptions;
  compose: ComposeContext;
  campaigns: ReturnType<typeof createCampaignCache>;
  limiter: ReturnType<typeof createAccountRateLimiter>;
};

export function createDeliveryContext(deps: DeliveryDeps, options: Partial<DispatchOptions> = {}): DeliveryContext {
  return {
    ...deps,
    options: { ...DEFAULT_DISPATCH_OPTIONS, ...options },
    compose: { db: deps.db, urls: deps.urls, defaultFrom: deps.defaultFrom, unsubscribeMailto: deps.unsubscribeMailto },
    campaigns: createCampaignCache(deps.defaultFrom),
    limiter: createAccountRateLimiter(options.accountRatePerSecond),
  };
}

/** Tells the campaign's thread and refreshes its card; Slack being down never stops sending. */
export async function tell(deps: Pick<DeliveryDeps, 'notifier' | 'log'>, ref: CampaignRef, notice: Notice): Promise<void> {
  try {
    await deps.notifier.campaignThread(ref, notice);
    await deps.notifier.refreshCampaignCard(ref);
  } catch (error) {
    deps.log.warn({ err: error, campaignId: String(ref.campaignId) }, 'could not post the campaign notice to Slack');
  }
}
