import { describe, expect, it } from 'vitest';
import { nextRunAfter, type DigestSchedule } from '../../src/reports/schedule.ts';

const next = (schedule: Partial<DigestSchedule>, after: string) =>
  nextRunAfter({ frequency: 'daily', timeOfDay: '09:00', weekday: 1, timezone: 'UTC', ...schedule }, new Date(after)).toISOString();

describe('digest due times in the subscriber’s time zone', () => {
  it('daily: later today, or tomorrow once the time has passed (strictly after)', () => {
    expect(next({ timezone: 'Europe/Berlin' }, '2025-01-15T07:59:00Z')).toBe('2025-01-15T08:00:00.000Z');
    expect(next({ timezone: 'Europe/Berlin' }, '2025-01-15T08:00:00Z')).toBe('2025-01-16T08:00:00.000Z');
    expect(next({ timezone: 'America/New_York', timeOfDay: '18:30' }, '2025-07-01T23:00:00Z')).toBe('2025-07-02T22:30:00.000Z');
  });

  it('weekly: the next chosen weekday, in the local calendar (not UTC’s)', () => {
    // Monday 00:30 in Tokyo is still Sunday in UTC
    expect(next({ frequency: 'weekly', weekday: 1, timeOfDay: '00:30', timezone: 'Asia/Tokyo' }, '2025-03-05T00:00:00Z')).toBe('2025-03-09T15:30:00.000Z');
    expect(next({ frequency: 'weekly', weekday: 0, timezone: 'UTC' }, '2025-03-09T09:00:00Z')).toBe('2025-03-16T09:00:00.000Z');
  });

  it('keeps local time across DST changes; a time skipped by the spring jump moves forward', () => {
    expect(next({ timezone: 'Europe/Berlin' }, '2025-03-29T09:00:00Z')).toBe('2025-03-30T07:00:00.000Z'); // CEST from 30 March
    expect(next({ timezone: 'Europe/Berlin' }, '2025-10-25T12:00:00Z')).toBe('2025-10-26T08:00:00.000Z'); // CET again
    expect(next({ timezone: 'Europe/Berlin', timeOfDay: '02:30' }, '2025-03-29T12:00:00Z')).toBe('2025-03-30T01:30:00.000Z'); // 03:30 CEST
  });

  it('moves a skipped time forward west of UTC too, and posts at the first of a time shown twice', () => {
    // 02:30 does not exist on 9 March in New York: 03:30 EDT, not 01:30 EST
    expect(next({ timezone: 'America/New_York', timeOfDay: '02:30' }, '2025-03-08T12:00:00Z')).toBe('2025-03-09T07:30:00.000Z');
    // 02:30 happens twice on 26 October in Berlin and on 6 April in Sydney: the first, still in summer time
    expect(next({ timezone: 'Europe/Berlin', timeOfDay: '02:30' }, '2025-10-25T12:00:00Z')).toBe('2025-10-26T00:30:00.000Z');
    expect(next({ timezone: 'Australia/Sydney', timeOfDay: '02:30' }, '2025-04-05T00:00:00Z')).toBe('2025-04-05T15:30:00.000Z');
  });
});
