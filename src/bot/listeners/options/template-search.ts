import type { App } from '@slack/bolt';
import { searchNames } from '../../../db/names.ts';
import type { Services } from '../../../services.ts';
import { CAMPAIGN_TEMPLATE_PICK_ACTION } from '../../views/campaign-ids.ts';
import { choiceOptions, MAX_OPTIONS } from '../../views/choice-select.ts';
import { onOptions } from '../with-actor.ts';

/** The campaign form's template select, with more templates than a static select holds: those matching what was typed. */
export function registerTemplateSearch(app: App, services: Services): void {
  app.options({ type: 'block_suggestion', action_id: CAMPAIGN_TEMPLATE_PICK_ACTION }, onOptions(services, async ({ body, actor }) =>
    choiceOptions(await searchNames(services.db.primary, 'templates', actor.userId, body.value.trim(), MAX_OPTIONS))));
}
