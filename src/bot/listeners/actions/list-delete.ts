import type { App } from '@slack/bolt';
import { deleteList } from '../../../contacts/lists.ts';
import type { Services } from '../../../services.ts';
import { LIST_DELETE_ACTION, LIST_DELETE_CANCEL_ACTION } from '../../views/lists.ts';
import { registerDeleteConfirmation } from './confirm-delete.ts';

export function registerListDelete(app: App, services: Services): void {
  registerDeleteConfirmation(app, services, { noun: 'list', confirm: LIST_DELETE_ACTION, cancel: LIST_DELETE_CANCEL_ACTION, remove: deleteList });
}
