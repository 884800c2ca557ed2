import { ingestEvents, type NewEvent } from '../db/events.ts';
import type { Database } from '../db/pool.ts';
import type { Logger } from '../log.ts';

export type EventBufferOptions = {
  /** flush a lane when this many events wait in it */
  maxEvents?: number;
  /** and at least this often */
  intervalMs?: number;
  /** events a lane keeps for a retry when a flush fails; beyond it the oldest are dropped (and logged) */
  maxRetained?: number;
  /** connections flushing at once, each for its own share of the accounts */
  lanes?: number;
};

export type EventBuffer = {
  record(event: NewEvent): void;
  /** Writes everything recorded so far; resolves when it is stored. */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left (shutdown). */
  stop(): Promise<void>;
};

type Lane = { record(event: NewEvent): void; flush(): Promise<void> };

/** The lane of an account: its uuid's last 8 hex digits, so an account always uses the same one. */
export const laneOf = (userId: string, lanes: number) => Number.parseInt(userId.slice(-8), 16) % lanes;

/**
 * Tracking requests answer at once and their events are stored in batches: one COPY per
 * flush keeps the statement-level stats trigger cheap under a burst of opens. Accounts are
 * shared out between lanes that flush concurrently on their own connections: everything the
 * stats trigger updates belongs to one account (its campaigns, recipients, contacts and
 * links), so lanes never wait on each other's rows, and one account's events are still
 * written in the order they were recorded.
 */
export function createEventBuffer(db: Pick<Database, 'primary' | 'copy'>, log: Logger, options: EventBufferOptions = {}): EventBuffer {
  const lanes = Array.from({ length: options.lanes ?? 2 }, () => createLane(db, log, options.maxEvents ?? 1_000, options.maxRetained ?? 100_000));
  const flush = async () => {
    await Promise.all(lanes.map((lane) => lane.flush()));
  };
  const timer = setInterval(() => void flush(), options.intervalMs ?? 1_000);
  timer.unref();
  return {
    record: (event) => lanes[laneOf(event.userId, lanes.length)]!.record(event),
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}

function createLane(db: Pick<Database, 'primary' | 'copy'>, log: Logger, maxEvents: number, maxRetained: number): Lane {
  let pending: NewEvent[] = [];
  let flushing: Promise<void> = Promise.resolve();

  const writePending = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    let committed = 0;
    try {
      await ingestEvents(db, batch, (through) => (committed = through));
    } catch (error) {
      // chunks committed before the failure are stored: keeping them would store them twice
      pending = [...batch.slice(committed), ...pending];
      const dropped = Math.max(0, pending.length - maxRetained);
      if (dropped > 0) pending = pending.slice(dropped);
      log.error({ err: error, retained: pending.length, dropped }, 'storing tracking events failed; retrying on the next flush');
    }
  };
  // a lane's flushes run one after another, so events are never written twice or out of order
  const flush = () => (flushing = flushing.then(writePending));

  return {
    record(event) {
      pending.push(event);
      if (pending.length >= maxEvents) void flush();
    },
    flush,
  };
}
