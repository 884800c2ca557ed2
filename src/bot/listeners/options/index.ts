import type { App } from '@slack/bolt';
import { searchNames } from '../../../db/names.ts';
import type { Services } from '../../../services.ts';
import { CAMPAIGN_TEMPLATE_PICK_ACTION } from '../../views/campaign-ids.ts';
import { choiceOptions, MAX_OPTIONS } from '../../views/choice-select.ts';
import { LIST_SELECT_ACTION } from '../../views/lists.ts';
import { onOptions } from '../with-actor.ts';

/** Selects with more lists or templates than a static select holds: the account's ones whose name contains what was typed. */
const SEARCHES = [[LIST_SELECT_ACTION, 'lists'], [CAMPAIGN_TEMPLATE_PICK_ACTION, 'templates']] as const;

export function register(app: App, services: Services): void {
  for (const [actionId, table] of SEARCHES) {
    app.options({ type: 'block_suggestion', action_id: actionId }, onOptions(services, async ({ body, actor }) =>
      choiceOptions(await searchNames(services.db.primary, table, actor.userId, body.value.trim(), MAX_OPTIONS))));
  }
}
