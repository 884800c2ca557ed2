/**
 * When a digest is due, in the subscriber's time zone: "weekly, Monday 09:00 Europe/Berlin"
 * is 08:00 UTC in winter and 07:00 UTC in summer. Computed with Intl, so it follows the
 * time zone database Node ships.
 */

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

type LocalTime = { year: number; month: number; day: number; hour: number; minute: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

export function isValidTimezone(timezone: string): boolean {
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

function localTime(instant: number, timezone: string): LocalTime & { second: number } {
  const parts = Object.fromEntries(
    formatterFor(timezone)
      .formatToParts(new Date(instant))
      .filter((part) => part.type !== 'literal')
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  return parts;
}

/** Minutes the zone is ahead of UTC at that instant. */
function offsetMinutes(instant: number, timezone: string): number {
  const local = localTime(instant, timezone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** The instant a local wall-clock time happens; a time skipped by a DST jump moves forward with it. */
export function zonedTimeToInstant(local: LocalTime, timezone: string): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const guess = wall - offsetMinutes(wall, timezone) * 60_000;
  // the offset at the guessed instant is the right one unless a DST change lies in between
  return new Date(wall - offsetMinutes(guess, timezone) * 60_000);
}

export function parseTimeOfDay(text: string): { hour: number; minute: number } | null {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null;
}

/** The first time the digest is due strictly after `after`. */
export function nextRunAfter(schedule: DigestSchedule, after: Date): Date {
  const time = parseTimeOfDay(schedule.timeOfDay);
  if (!time) throw new Error(`bad time of day ${schedule.timeOfDay}`);
  const today = localTime(after.getTime(), schedule.timezone);
  const todayUtc = Date.UTC(today.year, today.month - 1, today.day);
  for (let days = 0; days <= 8; days += 1) {
    const date = new Date(todayUtc + days * DAY_MS);
    if (schedule.frequency === 'weekly' && date.getUTCDay() !== schedule.weekday) continue;
    const due = zonedTimeToInstant(
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
