import type { App } from '@slack/bolt';
import { createList } from '../../../contacts/lists.ts';
import type { Services } from '../../../services.ts';
import { tellPrivately } from '../../report-error.ts';
import { LIST_CREATE_VIEW } from '../../views/lists.ts';
import { inputValue } from '../view-state.ts';
import { onView, viewMetadata } from '../with-actor.ts';

export function registerListCreate(app: App, services: Services): void {
  app.view(LIST_CREATE_VIEW, onView(services, async ({ ack, view, body, client, actor, committed }) => {
    const list = await createList(services.db.primary, actor, {
      name: inputValue(view, 'name'),
      description: inputValue(view, 'description'),
    });
    const created = `Created the list *${list.name}*.`;
    committed(created);
    await ack();
    await tellPrivately({ client, memberId: body.user.id, channelId: viewMetadata(view).channel },
      `${created} Add contacts with \`/herald contact add "${list.name}"\` or \`/herald import "${list.name}"\`.`);
  }));
}
