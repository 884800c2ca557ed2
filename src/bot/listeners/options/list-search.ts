import type { App } from '@slack/bolt';
import { searchNames } from '../../../db/names.ts';
import type { Services } from '../../../services.ts';
import { choiceOptions, MAX_OPTIONS } from '../../views/choice-select.ts';
import { LIST_SELECT_ACTION } from '../../views/lists.ts';
import { onOptions } from '../with-actor.ts';

/** A list select with more lists than a static select holds: the account's lists matching what was typed. */
export function registerListSearch(app: App, services: Services): void {
  app.options({ type: 'block_suggestion', action_id: LIST_SELECT_ACTION }, onOptions(services, async ({ body, actor }) =>
    choiceOptions(await searchNames(services.db.primary, 'lists', actor.userId, body.value.trim(), MAX_OPTIONS))));
}
