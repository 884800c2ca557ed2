import type { App } from '@slack/bolt';
import type { Actor } from '../../../accounts/actor.ts';
import type { DatabasePool } from '../../../db/pool.ts';
import type { Services } from '../../../services.ts';
import { idFrom } from '../ids.ts';
import { onAction } from '../with-actor.ts';

/** The two buttons of a "Delete …?" confirmation: delete the thing whose id the button carries, or keep it. */
export function registerDeleteConfirmation(
  app: App,
  services: Services,
  what: { noun: string; confirm: string; cancel: string; remove: (db: DatabasePool, actor: Actor, id: bigint) => Promise<{ name: string }> },
): void {
  app.action(what.confirm, onAction(services, async ({ action, respond, actor }) => {
    const removed = await what.remove(services.db.primary, actor, idFrom(action));
    await respond({ replace_original: true, text: `Deleted the ${what.noun} “${removed.name}”.` });
  }));
  app.action(what.cancel, onAction(services, async ({ respond }) => {
    await respond({ replace_original: true, text: `Kept the ${what.noun}.` });
  }));
}
