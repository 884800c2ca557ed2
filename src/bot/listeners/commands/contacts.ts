import type { Actor } from '../../../accounts/actor.ts';
import {
  contactDetails,
  removeContactFromList,
  requireContact,
  resubscribeContact,
  unsubscribeContact,
} from '../../../contacts/contacts.ts';
import { listsOf, requireList } from '../../../contacts/lists.ts';
import type { Contact } from '../../../db/contacts.ts';
import type { DatabasePool } from '../../../db/pool.ts';
import { contactAddModal, contactCard, contactEditModal } from '../../views/contacts.ts';
import type { CommandContext, Subcommand, SubcommandGroup } from './router.ts';

function oneEmail(ctx: CommandContext): string {
  if (ctx.args.length !== 1) throw ctx.usageError('Give one email address.');
  return ctx.args[0] ?? '';
}

function statusChange(
  usage: string,
  description: string,
  change: (db: DatabasePool, actor: Actor, contact: Contact) => Promise<void>,
  done: string,
): Subcommand {
  return {
    usage,
    description,
    async run(ctx) {
      const db = ctx.services.db.primary;
      const contact = await requireContact(db, ctx.actor, oneEmail(ctx));
      await change(db, ctx.actor, contact);
      await ctx.reply(`${contact.email} ${done}.`);
    },
  };
}

export const contactCommands: SubcommandGroup = {
  title: 'Contacts',
  commands: {
    'contact add': {
      usage: '/herald contact add [list]',
      description: 'Add a contact (opens a form); an existing email is merged.',
      async run(ctx) {
        if (ctx.args.length > 1) throw ctx.usageError('Name at most one list; put names with spaces in quotes.');
        const db = ctx.services.db.primary;
        const list = ctx.args[0] ? await requireList(db, ctx.actor, ctx.args[0]) : undefined;
        const view = contactAddModal({ channel: ctx.command.channel_id, lists: await listsOf(db, ctx.actor), listId: list?.id });
        await ctx.client.views.open({ trigger_id: ctx.command.trigger_id, view: view as never });
      },
    },
    'contact show': {
      usage: '/herald contact show <email>',
      description: 'A contact’s status, lists, tags and fields.',
      async run(ctx) {
        const db = ctx.services.db.primary;
        const { text, blocks } = contactCard(await contactDetails(db, ctx.actor, await requireContact(db, ctx.actor, oneEmail(ctx))));
        await ctx.reply(text, blocks);
      },
    },
    'contact edit': {
      usage: '/herald contact edit <email>',
      description: 'Edit a contact’s names, fields and tags (opens a form).',
      async run(ctx) {
        const contact = await requireContact(ctx.services.db.primary, ctx.actor, oneEmail(ctx));
        await ctx.client.views.open({ trigger_id: ctx.command.trigger_id, view: contactEditModal({ channel: ctx.command.channel_id, contact }) as never });
      },
    },
    'contact unsubscribe': statusChange('/herald contact unsubscribe <email>', 'Stop sending to a contact.', unsubscribeContact, 'is unsubscribed'),
    'contact resubscribe': statusChange('/herald contact resubscribe <email>', 'Send to a contact who unsubscribed again (when they asked for it).',
      resubscribeContact, 'is subscribed again'),
    'contact remove': {
      usage: '/herald contact remove <email> from <list>',
      description: 'Take a contact off a list (the contact stays in the account).',
      async run(ctx) {
        const [email, from, list] = ctx.args;
        if (ctx.args.length !== 3 || from?.toLowerCase() !== 'from' || !email || !list) throw ctx.usageError();
        const removed = await removeContactFromList(ctx.services.db.primary, ctx.actor, email, list);
        await ctx.reply(`Removed ${removed.contact.email} from “${removed.list}”.`);
      },
    },
  },
};
