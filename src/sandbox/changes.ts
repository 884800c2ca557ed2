/**
 * Tells waiting pages that sandbox state changed. Every write through the sandbox (Web API
 * call, response_url, a page action) bumps the version; a page long-polls with the
 * version it has and is answered as soon as there is a newer one.
 */
export type Changes = {
  readonly boot: string;
  version(): number;
  changed(): void;
  /** Resolves with the current version once it differs from `seen`, or after `timeoutMs`. */
  waitFor(seen: number, timeoutMs: number): Promise<number>;
  /** Wakes every waiter and stops waiting from now on (shutdown). */
  close(): void;
  closed(): boolean;
};

export function createChanges(boot: string): Changes {
  let version = 1;
  let closed = false;
  let waiters = new Set<() => void>();
  const wakeAll = () => {
    const woken = waiters;
    waiters = new Set();
    for (const wake of woken) wake();
  };
  return {
    boot,
    version: () => version,
    changed() {
      version += 1;
      wakeAll();
    },
    waitFor(seen, timeoutMs) {
      if (seen !== version || closed) return Promise.resolve(version);
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve(version);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(version);
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    close() {
      closed = true;
      wakeAll();
    },
    closed: () => closed,
  };
}
