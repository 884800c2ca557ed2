/** Send times: a wall-clock date and time in an IANA time zone, stored as an instant. */

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** How far `zone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which the clock in `zone` shows `date` (YYYY-MM-DD) `time` (HH:mm). The
 * offset is looked up twice so a time just after a DST change lands on the right side.
 */
export function zonedTimeToInstant(date: string, time: string, zone: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!d || !t || !isTimeZone(zone)) return null;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  // Date.UTC rolls over (Feb 30 → Mar 2, 24:00 → next day): such a date or time does not exist
  if (new Date(wall).toISOString().slice(0, 16) !== `${date}T${t[1]?.padStart(2, '0')}:${t[2]}`) return null;
  const first = wall - offsetAt(wall, zone);
  return new Date(wall - offsetAt(first, zone));
}

/** The wall-clock date (YYYY-MM-DD) and time (HH:mm) of `instant` in `zone`. */
export function instantInZone(instant: Date, zone: string): { date: string; time: string } {
  const shifted = new Date(instant.getTime() + offsetAt(instant.getTime(), zone)).toISOString();
  return { date: shifted.slice(0, 10), time: shifted.slice(11, 16) };
}
