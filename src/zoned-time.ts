/**
 * Wall-clock times in IANA time zones, computed with Intl (the time zone database Node ships):
 * the instant a zone's clock shows a given time, and the time it shows at an instant.
 */

export type WallClock = { year: number; month: number; day: number; hour: number; minute: number };

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws a RangeError for a zone Intl does not know. */
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

export function isTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** What the clock in `zone` shows at `instant`. */
export function wallClockAt(instant: number, zone: string): WallClock & { second: number } {
  return Object.fromEntries(
    formatterFor(zone)
      .formatToParts(new Date(instant))
      .filter((part) => part.type !== 'literal')
      .map((part) => [part.type, Number(part.value)]),
  ) as WallClock & { second: number };
}

/** How far `zone`'s clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, zone: string): number {
  const wall = wallClockAt(instant, zone);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which the clock in `zone` shows `wall`. Where the offset changes (DST), a time
 * the clocks skip moves forward by the length of the jump (02:30 → 03:30), and a time they show
 * twice is its first occurrence; east and west of UTC, north and south alike. Both are the
 * offset in force before the change.
 */
export function wallClockToInstant(wall: WallClock, zone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // a change of offset near this time lies between these two
  const before = offsetAt(asUtc - DAY_MS, zone);
  const after = offsetAt(asUtc + DAY_MS, zone);
  const showsWall = (offset: number) => offsetAt(asUtc - offset, zone) === offset;
  if (showsWall(before)) return new Date(asUtc - before); // also the first of a time shown twice
  if (showsWall(after)) return new Date(asUtc - after);
  return new Date(asUtc - before); // skipped: as much later as the clocks jumped
}
