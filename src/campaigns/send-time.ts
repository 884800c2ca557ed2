/** Send times: a wall-clock date and time in an IANA time zone, stored as an instant. */

import { isTimeZone, wallClockAt, wallClockToInstant } from '../zoned-time.ts';

export { isTimeZone };

/**
 * The instant at which the clock in `zone` shows `date` (YYYY-MM-DD) `time` (HH:mm); around a
 * DST change as wallClockToInstant says (a skipped time moves forward, a repeated one is the first).
 */
export function zonedTimeToInstant(date: string, time: string, zone: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!d || !t || !isTimeZone(zone)) return null;
  const wall = { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]), hour: Number(t[1]), minute: Number(t[2]) };
  // Date.UTC rolls over (Feb 30 → Mar 2, 24:00 → next day): such a date or time does not exist
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  if (new Date(asUtc).toISOString().slice(0, 16) !== `${date}T${t[1]?.padStart(2, '0')}:${t[2]}`) return null;
  return wallClockToInstant(wall, zone);
}

/** The wall-clock date (YYYY-MM-DD) and time (HH:mm) of `instant` in `zone`. */
export function instantInZone(instant: Date, zone: string): { date: string; time: string } {
  const wall = wallClockAt(instant.getTime(), zone);
  const shown = new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute)).toISOString();
  return { date: shown.slice(0, 10), time: shown.slice(11, 16) };
}
