import type { App } from '@slack/bolt';
import type { Services } from '../../../services.ts';
import { deleteTemplate } from '../../../templates/templates.ts';
import { TEMPLATE_DELETE_ACTION, TEMPLATE_DELETE_CANCEL_ACTION } from '../../views/templates.ts';
import { registerDeleteConfirmation } from './confirm-delete.ts';

export function registerTemplateDelete(app: App, services: Services): void {
  registerDeleteConfirmation(app, services, { noun: 'template', confirm: TEMPLATE_DELETE_ACTION, cancel: TEMPLATE_DELETE_CANCEL_ACTION, remove: deleteTemplate });
}
