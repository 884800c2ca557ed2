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

/** The period a digest posted at `at` reports on: the last day or week. */
export function digestPeriod(frequency: Frequency, at: Date): { from: Date; to: Date } {
  const length = frequency === 'daily' ? DAY_MS : 7 * DAY_MS;
  return { from: new Date(at.getTime() - length), to: at };
}
