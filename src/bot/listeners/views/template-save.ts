import type { App } from '@slack/bolt';
import { UserError } from '../../../errors.ts';
import type { Services } from '../../../services.ts';
import { saveTemplate } from '../../../templates/templates.ts';
import { tellPrivately } from '../../report-error.ts';
import { TEMPLATE_SAVE_VIEW } from '../../views/templates.ts';
import { inputValue } from '../view-state.ts';
import { onView, viewMetadata } from '../with-actor.ts';

export function registerTemplateSave(app: App, services: Services): void {
  app.view(TEMPLATE_SAVE_VIEW, onView(services, async ({ ack, view, body, client, actor, committed }) => {
    const { templateId, channel } = viewMetadata(view);
    if (templateId !== undefined && (typeof templateId !== 'string' || !/^\d+$/.test(templateId))) throw new UserError('This form is out of date. Open it again.');
    const template = await saveTemplate(services.db.primary, actor, {
      name: inputValue(view, 'name'), subject: inputValue(view, 'subject'), html: inputValue(view, 'html'), text: inputValue(view, 'text'),
    }, templateId === undefined ? undefined : BigInt(templateId));
    const done = `Saved the template *${template.name}*.`;
    committed(done);
    await ack();
    const fields = template.merge_fields.length ? ` It uses ${template.merge_fields.map((f) => `\`${f}\``).join(', ')}.` : '';
    await tellPrivately({ client, memberId: body.user.id, channelId: channel }, `${done}${fields}`);
  }));
}
