import type { App } from '@slack/bolt';
import { deleteList } from '../../../contacts/lists.ts';
import type { Services } from '../../../services.ts';
import { LIST_DELETE_ACTION, LIST_DELETE_CANCEL_ACTION } from '../../views/lists.ts';
import { idFrom } from '../ids.ts';
import { onAction } from '../with-actor.ts';

export function registerListDelete(app: App, services: Services): void {
  app.action(LIST_DELETE_ACTION, onAction(services, async ({ action, respond, actor }) => {
    const list = await deleteList(services.db.primary, actor, idFrom(action));
    await respond({ replace_original: true, text: `Deleted the list “${list.name}”.` });
  }));
  app.action(LIST_DELETE_CANCEL_ACTION, onAction(services, async ({ respond }) => {
    await respond({ replace_original: true, text: 'Kept the list.' });
  }));
}
