import type { App } from '@slack/bolt';

/**
 * Counts Slack requests still being processed — from receipt, through ack, to the end of
 * the work done after it (imports, Slack calls) — so shutdown can let them finish instead
 * of cutting an import in half, and tests can wait for them.
 */
export function trackInflight(app: App): { idle(): Promise<void> } {
  let running = 0;
  let waiters: Array<() => void> = [];
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    running += 1;
    try {
      await processEvent(event);
    } finally {
      running -= 1;
      if (running === 0) {
        for (const wake of waiters) wake();
        waiters = [];
      }
    }
  };
  return {
    idle: () => (running === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
