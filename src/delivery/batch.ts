import type { CommonQueryMethods } from 'slonik';
import { campaignStatus, chargeQuota, lockAccountAllowance, lockCampaignStatus } from '../db/campaign-delivery.ts';
import { insertEvents, type NewEvent } from '../db/events.ts';
import { claimRecipients, countRecipients, recordOutcomes, renewLeases, type Attempt, type ClaimedRecipient, type SendOutcome } from '../db/recipients.ts';
import { classifySendError } from '../mail/smtp-errors.ts';
import type { CampaignRef, Notice } from '../notify/notifier.ts';
import { enforceSendingLimits } from '../jobs/auto-pause.ts';
import { composeMessage, loadCampaignSource, type PreparedCampaign } from './compose.ts';
import { batchLimit, tell, type DeliveryContext, type DispatchOptions } from './context.ts';
import { accountPausedNotice, failedNotice, finishedNotice, quotaPausedNotice } from '../bot/views/delivery-report.ts';
import { finishSending, stopSending } from './transitions.ts';

type Claim =
  | { kind: 'claimed'; recipients: readonly ClaimedRecipient[] }
  | { kind: 'stopped' }
  | { kind: 'paused'; notice: Notice };

/**
 * A claimed batch whose messages are on their way (they share the turn's send slots);
 * `lastStarting` resolves once its second half is about to start.
 */
type InFlight = { kind: 'sending'; claimed: number; outcomes: Promise<SendOutcome[]>; lastStarting: Promise<void> };

const MAX_RETRY_SECONDS = 3_600;

/**
 * A campaign's turn: claims, sends and records batches while `more()` says so (at least
 * one), and finishes the campaign when nothing is left. The stages overlap: the next batch
 * is claimed while the second half of the current one goes out (not sooner, so little of
 * its lease is spent waiting), and a sent batch is recorded while the next one is sent, so the
 * SMTP connections do not wait on PostgreSQL. At most `concurrency` messages are in flight
 * across the batches, and each batch's sends pass its gate (createGate). Returns how many
 * recipients were claimed.
 */
export async function sendTurn(context: DeliveryContext, ref: CampaignRef, more: () => boolean): Promise<number> {
  const source = await loadCampaignSource(context.db, ref);
  if (source?.campaign.status !== 'sending') return 0;
  let prepared: PreparedCampaign;
  try {
    prepared = context.campaigns.get(ref, source);
  } catch (error) {
    await failCampaign(context, ref, `the email template has an error: ${(error as Error).message}`);
    return 0;
  }
  if (await enforceSendingLimits(context, ref)) return 0; // bounces or complaints reported since the last batch
  const slot = createSlots(context.options.concurrency);
  const recorder = createRecorder(context, ref);
  const claimAndSend = async (inHand: boolean): Promise<InFlight | Exclude<Claim, { kind: 'claimed' }> | { kind: 'empty' }> => {
    const leasedAt = performance.now(); // before the claim's now(): its leases last at least this long
    const claim = await context.db.transaction((tx) => claimBatch(tx, ref, prepared, context.options, inHand));
    if (claim.kind !== 'claimed') return claim;
    if (claim.recipients.length === 0) return { kind: 'empty' };
    const sending = claim.recipients.filter((r) => r.status === 'sending');
    const mayStillSend = createGate(context, ref, sending.map(attemptOf), leasedAt);
    const send = async (r: ClaimedRecipient): Promise<SendOutcome> =>
      (await mayStillSend(r.contact_id)) ? sendOne(context, prepared, r) : { ...attemptOf(r), outcome: 'unsent' };
    return { kind: 'sending', claimed: claim.recipients.length, ...sendAll(sending, slot, context.options.concurrency, send) };
  };

  let claimed = 0;
  let batch = await claimAndSend(false);
  while (batch.kind === 'sending') {
    claimed += batch.claimed;
    await batch.lastStarting;
    const next = more() && !recorder.failed() ? claimAndSend(true) : null;
    next?.catch(() => {}); // awaited below, after this batch's outcomes are recorded
    recorder.record(await batch.outcomes);
    batch = next ? await next : { kind: 'stopped' };
  }
  await recorder.settled();
  if (batch.kind === 'paused') await tell(context, ref, batch.notice);
  if (batch.kind === 'empty') await finishCampaign(context, ref);
  return claimed;
}

/**
 * The claim transaction: the account row is locked first (quota and status are read and
 * charged with no other claim in between), then the campaign status is read and held, so a
 * pause or cancel either stops this claim or commits after it (and the batch's gate stops its
 * sends). Committed before any message goes out. With batches still in hand it never pauses
 * the campaign: the next turn does, once their outcomes are recorded and the notice can
 * count them.
 */
async function claimBatch(tx: CommonQueryMethods, ref: CampaignRef, prepared: PreparedCampaign, options: DispatchOptions, inHand: boolean): Promise<Claim> {
  const account = await lockAccountAllowance(tx, ref.userId);
  if ((await lockCampaignStatus(tx, ref)) !== 'sending') return { kind: 'stopped' };
  if (!account.sendable) return inHand ? { kind: 'stopped' } : pause(tx, ref, accountPausedNotice(account.subscription_status), 'account not active');
  if (account.remaining === 0) {
    if (inHand) return { kind: 'stopped' };
    const counts = await countRecipients(tx, ref);
    if (counts.pending === 0) return { kind: 'claimed', recipients: [] };
    return pause(tx, ref, quotaPausedNotice(account.monthly_email_limit, counts.sent, counts.pending), 'monthly quota used up');
  }
  const recipients = await claimRecipients(tx, ref, {
    limit: Math.min(batchLimit(options), account.remaining),
    leaseSeconds: options.leaseSeconds,
    messageIdDomain: prepared.messageIdDomain,
  });
  await chargeQuota(tx, ref.userId, recipients.filter((r) => r.status === 'sending').length);
  return { kind: 'claimed', recipients };
}

async function pause(tx: CommonQueryMethods, ref: CampaignRef, notice: Notice, reason: string): Promise<Claim> {
  return (await stopSending(tx, ref, 'paused', reason)) ? { kind: 'paused', notice } : { kind: 'stopped' };
}

/**
 * A batch's gate, asked before each of its messages goes to SMTP. Before each group of sends
 * (as many as can be in flight at once), one small query: a campaign no longer 'sending'
 * (paused, cancelled) closes the gate, and the rest of the batch is released when recorded.
 * Once a third of the lease has passed (by this process's clock, started before the claim),
 * a second query renews the batch's leases, and a recipient whose lease ran out meanwhile
 * (another dispatcher made it 'unknown') is not sent. A check that fails closes the gate
 * too: nothing goes out that was not confirmed.
 */
function createGate(context: DeliveryContext, ref: CampaignRef, batch: readonly Attempt[], leasedAt: number) {
  const { statusCheckMillis, leaseSeconds } = context.options;
  let open = true;
  let ours: ReadonlySet<bigint> | null = null; // null: the whole batch
  let checking: Promise<void> | null = null;
  let checkedAt = leasedAt; // the claim read the status
  const checkDue = () => performance.now() - checkedAt >= statusCheckMillis;
  const renewalDue = () => performance.now() - leasedAt > (leaseSeconds * 1000) / 3;
  async function check(): Promise<void> {
    checkedAt = performance.now();
    try {
      if ((await campaignStatus(context.db, ref)) !== 'sending') {
        open = false;
      } else if (renewalDue()) {
        const renewedAt = performance.now();
        ours = await renewLeases(context.db, ref, batch, leaseSeconds);
        leasedAt = renewedAt;
      }
    } catch (error) {
      context.log.error({ err: error, campaignId: String(ref.campaignId) }, 'checking a batch before its next sends failed');
      open = false;
    }
  }
  return async (contactId: bigint): Promise<boolean> => {
    if (open && (checkDue() || renewalDue())) {
      checking ??= check().finally(() => {
        checking = null;
      });
    }
    await checking;
    return open && (ours?.has(contactId) ?? true);
  };
}

const attemptOf = (recipient: ClaimedRecipient): Attempt => ({ contactId: recipient.contact_id, messageId: recipient.message_id ?? '' });

async function sendOne(context: DeliveryContext, campaign: PreparedCampaign, recipient: ClaimedRecipient): Promise<SendOutcome> {
  const attempt = attemptOf(recipient);
  let message;
  try {
    message = await composeMessage(context.compose, campaign, {
      contactId: recipient.contact_id,
      messageId: attempt.messageId,
      email: recipient.email,
      first_name: recipient.first_name,
      last_name: recipient.last_name,
      custom_fields: recipient.custom_fields,
    });
  } catch (error) {
    // nothing was sent: a later attempt may succeed (e.g. the database was briefly unreachable)
    context.log.error({ err: error, campaignId: String(campaign.ref.campaignId) }, 'composing a message failed');
    return retry(attempt, recipient.attempts, `could not compose the message: ${(error as Error).message}`, context.options);
  }
  await context.limiter.wait(campaign.ref.userId);
  try {
    await context.transport.send(message);
    return { ...attempt, outcome: 'sent' };
  } catch (error) {
    const failure = classifySendError(error);
    if (failure.outcome === 'retry') return retry(attempt, recipient.attempts, failure.reason, context.options);
    return { ...attempt, outcome: failure.outcome, error: failure.reason };
  }
}

function retry(attempt: Attempt, attempts: number, error: string, options: DispatchOptions): SendOutcome {
  const retryInSeconds = Math.min(MAX_RETRY_SECONDS, options.retryBaseSeconds * 2 ** Math.max(0, attempts - 1));
  return { ...attempt, outcome: 'retry', error, retryInSeconds, finalAttempt: attempts >= options.maxAttempts };
}

/**
 * The outcome transaction. Lock order as everywhere: the account (only when quota is given
 * back), then 'sent' events (whose stats trigger locks the campaign, then recipients), then
 * the campaign's status and the recipient rows. Claimed-but-not-sent messages are given back
 * to the quota.
 */
async function recordBatch(tx: CommonQueryMethods, ref: CampaignRef, outcomes: readonly SendOutcome[], options: DispatchOptions) {
  const notSent = outcomes.filter((o) => o.outcome === 'failed' || o.outcome === 'retry' || o.outcome === 'unsent').length;
  if (notSent > 0) await lockAccountAllowance(tx, ref.userId);
  const at = new Date();
  const sentEvent = (o: SendOutcome, type: 'sent' | 'delivered'): NewEvent => ({ ...ref, contactId: o.contactId, type, at });
  const sent = outcomes.filter((o) => o.outcome === 'sent');
  await insertEvents(tx, [
    ...sent.map((o) => sentEvent(o, 'sent')),
    ...(options.deliveredOnAcceptance ? sent.map((o) => sentEvent(o, 'delivered')) : []),
  ]);
  await recordOutcomes(tx, ref, outcomes);
  await chargeQuota(tx, ref.userId, -notSent);
}

async function finishCampaign(context: DeliveryContext, ref: CampaignRef): Promise<void> {
  const counts = await context.db.transaction(async (tx) => {
    const finalCounts = await countRecipients(tx, ref);
    // Another dispatcher still has recipients in hand: it finishes the campaign once they are
    // recorded. (Finishing here would pass its conditional update as soon as that dispatcher
    // commits, with counts read before.) With none pending or in hand, no status changes any more.
    if (finalCounts.pending > 0 || finalCounts.sending > 0) return null;
    return (await finishSending(tx, ref, finalCounts)) ? finalCounts : null;
  });
  if (!counts) return;
  context.campaigns.forget(ref);
  await tell(context, ref, finishedNotice({ campaignId: ref.campaignId, ...counts }));
}

async function failCampaign(context: DeliveryContext, ref: CampaignRef, reason: string): Promise<void> {
  if (await stopSending(context.db, ref, 'failed', reason)) await tell(context, ref, failedNotice(`${reason}. Nothing more is sent; fix it and schedule the campaign again.`));
}

/** Runs work with at most `limit` at once, in the order asked. */
function createSlots(limit: number) {
  let free = limit;
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}

/** Sends every recipient through the slots; `lastStarting` resolves once half of them (or all but `concurrency`) have started. */
function sendAll(
  recipients: readonly ClaimedRecipient[],
  slot: ReturnType<typeof createSlots>,
  concurrency: number,
  send: (recipient: ClaimedRecipient) => Promise<SendOutcome>,
): { outcomes: Promise<SendOutcome[]>; lastStarting: Promise<void> } {
  let waiting = recipients.length;
  const headStart = Math.max(concurrency, Math.floor(recipients.length / 2));
  const { promise: lastStarting, resolve } = Promise.withResolvers<void>();
  if (waiting <= headStart) resolve();
  const outcomes = Promise.all(recipients.map((recipient) => slot(() => {
    waiting -= 1;
    if (waiting <= headStart) resolve();
    return send(recipient);
  })));
  return { outcomes, lastStarting };
}

/**
 * Records sent batches one after the other, in the background of the next sends, each
 * followed by the auto-pause check (a pause stops the next claim). A batch that cannot be
 * recorded stays 'sending' until its lease runs out (then 'unknown'); the turn claims no
 * more and settled() rethrows the error.
 */
function createRecorder(context: DeliveryContext, ref: CampaignRef) {
  let chain = Promise.resolve();
  let error: unknown = null;
  return {
    record(outcomes: readonly SendOutcome[]) {
      if (outcomes.length === 0) return;
      chain = chain.then(async () => {
        try {
          await context.db.transaction((tx) => recordBatch(tx, ref, outcomes, context.options));
          await enforceSendingLimits(context, ref);
        } catch (failure) {
          error ??= failure;
        }
      });
    },
    failed: () => error !== null,
    async settled() {
      await chain;
      if (error !== null) throw error;
    },
  };
}
