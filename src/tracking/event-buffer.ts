import { ingestEvents, type NewEvent } from '../db/events.ts';
import type { Database } from '../db/pool.ts';
import type { Logger } from '../log.ts';

export type EventBufferOptions = {
  /** flush when this many events wait */
  maxEvents?: number;
  /** and at least this often */
  intervalMs?: number;
  /** events kept for a retry when a flush fails; beyond it the oldest are dropped (and logged) */
  maxRetained?: number;
};

export type EventBuffer = {
  record(event: NewEvent): void;
  /** Writes everything recorded so far; resolves when it is stored. */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left (shutdown). */
  stop(): Promise<void>;
};

/**
 * Tracking requests answer at once and their events are stored in batches: one COPY per
 * flush keeps the statement-level stats trigger cheap under a burst of opens.
 */
export function createEventBuffer(db: Pick<Database, 'primary' | 'copy'>, log: Logger, options: EventBufferOptions = {}): EventBuffer {
  const maxEvents = options.maxEvents ?? 1_000;
  const maxRetained = options.maxRetained ?? 100_000;
  let pending: NewEvent[] = [];
  let flushing: Promise<void> = Promise.resolve();

  const writePending = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      await ingestEvents(db, batch);
    } catch (error) {
      pending = [...batch, ...pending];
      const dropped = Math.max(0, pending.length - maxRetained);
      if (dropped > 0) pending = pending.slice(dropped);
      log.error({ err: error, retained: pending.length, dropped }, 'storing tracking events failed; retrying on the next flush');
    }
  };
  // flushes run one after another, so events are never written twice or out of order
  const flush = () => (flushing = flushing.then(writePending));

  const timer = setInterval(() => void flush(), options.intervalMs ?? 1_000);
  timer.unref();

  return {
    record(event) {
      pending.push(event);
      if (pending.length >= maxEvents) void flush();
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
