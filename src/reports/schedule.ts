/**
 * When a digest is due, in the subscriber's time zone: "weekly, Monday 09:00 Europe/Berlin"
 * is 08:00 UTC in winter and 07:00 UTC in summer. Computed with Intl, so it follows the
 * time zone database Node ships.
 */

import { wallClockAt, wallClockToInstant } from '../zoned-time.ts';

export const FREQUENCIES = ['daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export type DigestSchedule = {
  frequency: Frequency;
  /** 'HH:MM', 24-hour, local to `timezone` */
  timeOfDay: string;
  /** 0 = Sunday … 6 = Saturday; only weekly digests use it */
  weekday: number;
  timezone: string;
};

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

const DAY_MS = 86_400_000;

export function parseTimeOfDay(text: string): { hour: number; minute: number } | null {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null;
}

/** The first time the digest is due strictly after `after`. */
export function nextRunAfter(schedule: DigestSchedule, after: Date): Date {
  const time = parseTimeOfDay(schedule.timeOfDay);
  if (!time) throw new Error(`bad time of day ${schedule.timeOfDay}`);
  const today = wallClockAt(after.getTime(), schedule.timezone);
  const todayUtc = Date.UTC(today.year, today.month - 1, today.day);
  for (let days = 0; days <= 8; days += 1) {
    const date = new Date(todayUtc + days * DAY_MS);
    if (schedule.frequency === 'weekly' && date.getUTCDay() !== schedule.weekday) continue;
    // a time skipped by a DST jump moves forward with it, a repeated one is the first
    const due = wallClockToInstant(
      { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), ...time },
      schedule.timezone,
    );
    if (due.getTime() > after.getTime()) return due;
  }
  throw new Error('no due time within 8 days');
}

/** However long since the previous digest (Herald down for weeks, posts failing), a digest covers at most this. */
const DIGEST_PERIOD_MAX_MS = 31 * DAY_MS;

export type Period = { from: Date; to: Date };

/**
 * The period a digest posted at `at` reports on: since the end of the previous digest's
 * period (`previousEnd`), so digests neither overlap nor leave gaps, however long the day
 * around a DST change or the time Herald was down (at most DIGEST_PERIOD_MAX_MS); the
 * first digest covers the last day or week.
 */
export function digestPeriod(frequency: Frequency, at: Date, previousEnd: Date | null): Period {
  const length = frequency === 'daily' ? DAY_MS : 7 * DAY_MS;
  const from = previousEnd ? Math.max(previousEnd.getTime(), at.getTime() - DIGEST_PERIOD_MAX_MS) : at.getTime() - length;
  return { from: new Date(from), to: at };
}

const HOUR_MS = 3_600_000;

/** How long a period is, in words: "day" (23 to 25 hours, across DST), "week", "9 days", "13 hours". */
export function periodLength(period: Period): string {
  const hours = Math.round((period.to.getTime() - period.from.getTime()) / HOUR_MS);
  if (hours < 20) return `${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'day';
  return days === 7 ? 'week' : `${days} days`;
}
