import type { App } from '@slack/bolt';
import { addContact, editContact } from '../../../contacts/contacts.ts';
import { UserError } from '../../../errors.ts';
import type { Services } from '../../../services.ts';
import { tellPrivately } from '../../report-error.ts';
import { CONTACT_ADD_VIEW, CONTACT_EDIT_VIEW } from '../../views/contacts.ts';
import { inputValue, offeredInputValue, selectedValue } from '../view-state.ts';
import { onView, viewMetadata } from '../with-actor.ts';

type SubmittedView = Parameters<typeof inputValue>[0];

function contactForm(view: SubmittedView) {
  return {
    firstName: inputValue(view, 'first_name'),
    lastName: inputValue(view, 'last_name'),
    fields: offeredInputValue(view, 'fields'),
    tags: offeredInputValue(view, 'tags'),
  };
}

export function registerContactSave(app: App, services: Services): void {
  app.view(CONTACT_ADD_VIEW, onView(services, async ({ ack, view, body, client, actor, committed }) => {
    const list = selectedValue(view, 'list');
    const saved = await addContact(services.db.primary, actor, { email: inputValue(view, 'email'), ...contactForm(view) },
      list ? BigInt(list) : undefined);
    const done = saved.created ? `Added ${saved.contact.email}.` : `${saved.contact.email} was already a contact; merged the new details.`;
    committed(done);
    await ack();
    await tellPrivately({ client, memberId: body.user.id, channelId: viewMetadata(view).channel }, done);
  }));

  app.view(CONTACT_EDIT_VIEW, onView(services, async ({ ack, view, body, client, actor, committed }) => {
    const { contactId } = viewMetadata(view);
    if (typeof contactId !== 'string' || !/^\d+$/.test(contactId)) throw new UserError('This form is out of date. Open it again.');
    const contact = await editContact(services.db.primary, actor, BigInt(contactId), contactForm(view));
    const done = `Saved ${contact.email}.`;
    committed(done);
    await ack();
    await tellPrivately({ client, memberId: body.user.id, channelId: viewMetadata(view).channel }, done);
  }));
}
