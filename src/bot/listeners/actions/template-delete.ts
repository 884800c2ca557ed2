import type { App } from '@slack/bolt';
import type { Services } from '../../../services.ts';
import { deleteTemplate } from '../../../templates/templates.ts';
import { TEMPLATE_DELETE_ACTION, TEMPLATE_DELETE_CANCEL_ACTION } from '../../views/templates.ts';
import { idFrom } from '../ids.ts';
import { onAction } from '../with-actor.ts';

export function registerTemplateDelete(app: App, services: Services): void {
  app.action(TEMPLATE_DELETE_ACTION, onAction(services, async ({ action, respond, actor }) => {
    const template = await deleteTemplate(services.db.primary, actor, idFrom(action));
    await respond({ replace_original: true, text: `Deleted the template “${template.name}”.` });
  }));
  app.action(TEMPLATE_DELETE_CANCEL_ACTION, onAction(services, async ({ respond }) => {
    await respond({ replace_original: true, text: 'Kept the template.' });
  }));
}
