import type { App, MessageShortcut } from '@slack/bolt';
import { listsOf } from '../../../contacts/lists.ts';
import { UserError } from '../../../errors.ts';
import type { Services } from '../../../services.ts';
import { IMPORT_SHORTCUT, importChooseListModal } from '../../views/imports.ts';
import { onShortcut } from '../with-actor.ts';

/** “Import CSV into Herald” on a file message: pick the list, then the dry run follows. */
export function registerImportShortcut(app: App, services: Services): void {
  app.shortcut({ callback_id: IMPORT_SHORTCUT, type: 'message_action' }, onShortcut(services, async ({ body, client, actor }) => {
    const shortcut = body as MessageShortcut;
    const fileId = (shortcut.message.files as Array<{ id?: string }> | undefined)?.[0]?.id;
    if (!fileId) throw new UserError('Use “Import CSV into Herald” on a message that has a CSV file attached.');
    const lists = await listsOf(services.db.primary, actor);
    if (lists.length === 0) throw new UserError('Create a list first with `/herald list create`, then use the shortcut again.');
    await client.views.open({ trigger_id: shortcut.trigger_id, view: importChooseListModal({ channel: shortcut.channel.id, fileId, lists }) as never });
  }));
}
