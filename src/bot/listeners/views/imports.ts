import type { App } from '@slack/bolt';
import { requireListById } from '../../../contacts/lists.ts';
import { UserError } from '../../../errors.ts';
import { mappingProblem } from '../../../imports/mapping.ts';
import type { Services } from '../../../services.ts';
import { mappingFromModal, offerImport, runImport } from '../../import-flow.ts';
import { tellPrivately } from '../../report-error.ts';
import { IMPORT_CHOOSE_LIST_VIEW, IMPORT_CONFIRM_VIEW } from '../../views/imports.ts';
import { idFrom } from '../ids.ts';
import { columnChoices } from '../import-columns.ts';
import { selectedValue } from '../view-state.ts';
import { onView, viewMetadata } from '../with-actor.ts';

export function registerImportViews(app: App, services: Services): void {
  app.view(IMPORT_CONFIRM_VIEW, onView(services, async ({ ack, view, client, actor }) => {
    const metadata = viewMetadata(view);
    const importId = idFrom({ value: String(metadata.importId ?? '') });
    const mapping = await mappingFromModal(services, actor, importId, columnChoices(view));
    const problem = mappingProblem(mapping);
    if (problem) {
      const column = mapping.find((entry) => entry.target === 'email')?.column ?? mapping[0]?.column ?? 0;
      throw UserError.field(`col_${column}`, problem);
    }
    await ack();
    await runImport(services, client, actor, { importId, mapping, channel: metadata.channel ?? actor.memberId });
  }));

  app.view(IMPORT_CHOOSE_LIST_VIEW, onView(services, async ({ ack, view, body, client, actor }) => {
    const metadata = viewMetadata(view);
    const list = await requireListById(services.db.primary, actor, idFrom({ value: selectedValue(view, 'list') ?? '' }));
    const { fileId, channel } = metadata;
    if (typeof fileId !== 'string' || !channel) throw new UserError('This form is out of date. Use the shortcut again.');
    await ack();
    const where = { client, memberId: body.user.id, channelId: channel };
    await offerImport(services, client, actor, list, { fileId, channelId: channel }, (message) => tellPrivately(where, message.text, message.blocks));
  }));
}
