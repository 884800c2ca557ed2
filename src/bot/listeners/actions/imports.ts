import type { App } from '@slack/bolt';
import { mappingFromModal, previewState, recountImport } from '../../import-flow.ts';
import type { Services } from '../../../services.ts';
import { IMPORT_COLUMN_ACTION, IMPORT_REVIEW_ACTION, importModal } from '../../views/imports.ts';
import { idFrom } from '../ids.ts';
import { columnChoices } from '../import-columns.ts';
import { onAction, viewMetadata } from '../with-actor.ts';

export function registerImportActions(app: App, services: Services): void {
  app.action(IMPORT_REVIEW_ACTION, onAction(services, async ({ action, body, client, actor }) => {
    const state = await previewState(services, actor, idFrom(action));
    await client.views.open({ trigger_id: body.trigger_id, view: importModal({ ...state, channel: body.channel?.id }) as never });
  }));

  app.action(IMPORT_COLUMN_ACTION, onAction(services, async ({ body, client, actor }) => {
    const view = body.view;
    if (!view) return;
    const metadata = viewMetadata(view);
    const importId = idFrom({ value: String(metadata.importId ?? '') });
    const mapping = await mappingFromModal(services, actor, importId, columnChoices(view));
    const state = await recountImport(services, client, actor, importId, mapping);
    await client.views.update({ view_id: view.id, hash: view.hash, view: importModal({ ...state, channel: metadata.channel }) as never });
  }));
}
