import { listsOf, renameListByName, requireList } from '../../../contacts/lists.ts';
import { listCreateModal, listDeleteConfirmation, listsMessage } from '../../views/lists.ts';
import type { SubcommandGroup } from './router.ts';

export const listCommands: SubcommandGroup = {
  title: 'Lists',
  commands: {
    lists: {
      usage: '/herald lists [part of a name]',
      description: 'Your lists with their contact counts (those whose name contains the text given).',
      async run(ctx) {
        const nameContains = ctx.args.join(' ');
        const { text, blocks } = listsMessage(await listsOf(ctx.services.db.read, ctx.actor, nameContains), nameContains);
        await ctx.reply(text, blocks);
      },
    },
    'list create': {
      usage: '/herald list create',
      description: 'Create a list (opens a form).',
      async run(ctx) {
        await ctx.client.views.open({ trigger_id: ctx.command.trigger_id, view: listCreateModal(ctx.command.channel_id) as never });
      },
    },
    'list rename': {
      usage: '/herald list rename <list> <new name>',
      description: 'Rename a list.',
      async run(ctx) {
        const [from, to] = ctx.args;
        if (!from || !to || ctx.args.length !== 2) throw ctx.usageError('Name the list and its new name; put names with spaces in quotes.');
        const renamed = await renameListByName(ctx.services.db.primary, ctx.actor, from, to);
        await ctx.reply(`Renamed “${renamed.from.name}” to “${renamed.to}”.`);
      },
    },
    'list delete': {
      usage: '/herald list delete <list>',
      description: 'Delete a list (asks to confirm; contacts stay).',
      async run(ctx) {
        if (ctx.args.length !== 1) throw ctx.usageError('Name one list; put names with spaces in quotes.');
        const list = await requireList(ctx.services.db.primary, ctx.actor, ctx.args[0] ?? '');
        const { text, blocks } = listDeleteConfirmation(list);
        await ctx.reply(text, blocks);
      },
    },
  },
};
