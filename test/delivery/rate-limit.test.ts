import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAccountRateLimiter } from '../../src/delivery/rate-limit.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('per-account send rate', () => {
  it('spaces one account’s sends to its rate and leaves other accounts alone', async () => {
    const limiter = createAccountRateLimiter(2);
    const done: string[] = [];
    const send = (account: string, label: string) => limiter.wait(account).then(() => done.push(label));
    const all = Promise.all([send('a', 'a1'), send('a', 'a2'), send('a', 'a3'), send('b', 'b1')]);
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual(['a1', 'b1']);
    await vi.advanceTimersByTimeAsync(500);
    expect(done).toEqual(['a1', 'b1', 'a2']);
    await vi.advanceTimersByTimeAsync(500);
    expect(done).toEqual(['a1', 'b1', 'a2', 'a3']);
    await all;
  });

  it('does not wait without a limit', async () => {
    const limiter = createAccountRateLimiter(undefined);
    let finished = false;
    void limiter.wait('a').then(() => (finished = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(finished).toBe(true);
  });
});
