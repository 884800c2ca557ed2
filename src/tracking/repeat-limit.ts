/**
 * How many events one tracking link may store per window: a person opening or clicking again
 * is recorded, a script looping on its own pixel or link is not (it would fill email_events
 * with rows). The redirect or pixel is served either way. Per process and bounded in memory:
 * the least recently started windows are forgotten first.
 */
export type RepeatLimit = { allow(key: string, now?: number): boolean };

export function createRepeatLimit(options: { perWindow: number; windowMs: number; maxKeys: number }): RepeatLimit {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    allow(key, now = Date.now()) {
      const current = windows.get(key);
      if (current && now - current.start < options.windowMs) {
        current.count += 1;
        return current.count <= options.perWindow;
      }
      windows.delete(key);
      windows.set(key, { start: now, count: 1 });
      if (windows.size > options.maxKeys) windows.delete(windows.keys().next().value!);
      return true;
    },
  };
}
