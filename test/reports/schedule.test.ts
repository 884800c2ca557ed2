import { describe, expect, it } from 'vitest';
import { digestPeriod, nextRunAfter, periodLength, type DigestSchedule } from '../../src/reports/schedule.ts';

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

describe('the period a digest reports on', () => {
  const at = new Date('2025-03-30T07:00:00Z'); // 09:00 in Berlin, the first day of summer time
  const iso = (period: { from: Date; to: Date }) => [period.from.toISOString(), period.to.toISOString()];

  it('is the last day or week for a first digest', () => {
    expect(iso(digestPeriod('daily', at, null))).toEqual(['2025-03-29T07:00:00.000Z', '2025-03-30T07:00:00.000Z']);
    expect(iso(digestPeriod('weekly', at, null))).toEqual(['2025-03-23T07:00:00.000Z', '2025-03-30T07:00:00.000Z']);
  });

  it('starts where the previous digest’s period ended: 23 hours across the spring change, longer after downtime', () => {
    const previousEnd = new Date('2025-03-29T08:00:00Z'); // 09:00 CET
    expect(iso(digestPeriod('daily', at, previousEnd))).toEqual(['2025-03-29T08:00:00.000Z', '2025-03-30T07:00:00.000Z']);
    expect(iso(digestPeriod('daily', new Date('2025-04-02T10:30:00Z'), at))).toEqual(['2025-03-30T07:00:00.000Z', '2025-04-02T10:30:00.000Z']);
  });

  it('covers at most 31 days, however long ago the previous digest was', () => {
    expect(iso(digestPeriod('weekly', at, new Date('2024-11-04T08:00:00Z')))).toEqual(['2025-02-27T07:00:00.000Z', '2025-03-30T07:00:00.000Z']);
  });

  it('is named by its length, a DST day still a day', () => {
    const span = (hours: number) => periodLength({ from: new Date(at.getTime() - hours * 3_600_000), to: at });
    expect([span(23), span(24), span(25), span(168), span(167), span(75.5), span(13), span(1)]).toEqual(
      ['day', 'day', 'day', 'week', 'week', '3 days', '13 hours', '1 hour'],
    );
  });
});
