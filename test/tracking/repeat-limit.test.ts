import { describe, expect, it } from 'vitest';
import { createRepeatLimit } from '../../src/tracking/repeat-limit.ts';

describe('repeat limit of tracking links', () => {
  it('allows perWindow hits of a key per window, then again in the next window', () => {
    const limit = createRepeatLimit({ perWindow: 2, windowMs: 1_000, maxKeys: 10 });
    expect([0, 10, 20].map((t) => limit.allow('a', t))).toEqual([true, true, false]);
    expect(limit.allow('b', 30)).toBe(true);
    expect([1_000, 1_010, 1_020].map((t) => limit.allow('a', t))).toEqual([true, true, false]);
  });

  it('forgets the oldest keys beyond maxKeys', () => {
    const limit = createRepeatLimit({ perWindow: 1, windowMs: 60_000, maxKeys: 2 });
    expect(['a', 'b', 'c'].map((key) => limit.allow(key, 0))).toEqual([true, true, true]);
    expect(limit.allow('c', 1)).toBe(false);
    expect(limit.allow('a', 1)).toBe(true); // forgotten: a new window
  });
});
