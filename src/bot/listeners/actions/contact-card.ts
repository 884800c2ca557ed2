import type { App } from '@slack/bolt';
import { contactDetails, requireContactById, resubscribeContact, unsubscribeContact } from '../../../contacts/contacts.ts';
import type { Services } from '../../../services.ts';
import { CONTACT_EDIT_ACTION, CONTACT_RESUBSCRIBE_ACTION, CONTACT_UNSUBSCRIBE_ACTION, contactCard, contactEditModal } from '../../views/contacts.ts';
import { idFrom } from '../ids.ts';
import { onAction } from '../with-actor.ts';

/** The buttons on a contact card (`/herald contact show`). */
export function registerContactCard(app: App, services: Services): void {
  const db = services.db.primary;
  app.action(CONTACT_EDIT_ACTION, onAction(services, async ({ action, body, client, actor }) => {
    const contact = await requireContactById(db, actor, idFrom(action));
    await client.views.open({ trigger_id: body.trigger_id, view: contactEditModal({ channel: body.channel?.id, contact }) as never });
  }));
  app.action(CONTACT_UNSUBSCRIBE_ACTION, onAction(services, async ({ action, respond, actor }) => {
    const contact = await requireContactById(db, actor, idFrom(action));
    await unsubscribeContact(db, actor, contact);
    await respond({ replace_original: true, ...contactCard(await contactDetails(db, actor, await requireContactById(db, actor, contact.id))) } as never);
  }));
  app.action(CONTACT_RESUBSCRIBE_ACTION, onAction(services, async ({ action, respond, actor }) => {
    const contact = await requireContactById(db, actor, idFrom(action));
    await resubscribeContact(db, actor, contact);
    await respond({ replace_original: true, ...contactCard(await contactDetails(db, actor, await requireContactById(db, actor, contact.id))) } as never);
  }));
}
