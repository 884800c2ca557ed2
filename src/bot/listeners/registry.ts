import type { App } from '@slack/bolt';

/** The ids the app registered listeners for — checked against manifest.yml by a test. */
export type ListenerIds = {
  commands: string[];
  views: string[];
  actions: string[];
  shortcuts: string[];
  events: string[];
  options: string[];
};

const TRACKED = { command: 'commands', view: 'views', action: 'actions', shortcut: 'shortcuts', event: 'events', options: 'options' } as const;
type TrackedMethod = keyof typeof TRACKED;

function idOf(constraint: unknown): string {
  if (typeof constraint === 'string') return constraint;
  if (constraint instanceof RegExp) return String(constraint);
  const object = (constraint ?? {}) as { callback_id?: unknown; action_id?: unknown; type?: unknown };
  return String(object.callback_id ?? object.action_id ?? object.type ?? '');
}

/**
 * Wraps the Bolt app so every app.command/view/action/shortcut/event/options call is
 * recorded; listener files register as usual and the ids become inspectable.
 */
export function recordListeners(app: App): { app: App; ids: ListenerIds } {
  const ids: ListenerIds = { commands: [], views: [], actions: [], shortcuts: [], events: [], options: [] };
  const recording = new Proxy(app, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && property in TRACKED) {
        return (...args: unknown[]) => {
          ids[TRACKED[property as TrackedMethod]].push(idOf(args[0]));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { app: recording, ids };
}
