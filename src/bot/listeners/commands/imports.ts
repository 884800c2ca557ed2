import { requireList } from '../../../contacts/lists.ts';
import { recentImports } from '../../../db/imports.ts';
import { latestSharedFile } from '../../../db/slack-files.ts';
import { UserError } from '../../../errors.ts';
import { undoImport } from '../../../imports/undo.ts';
import { offerImport } from '../../import-flow.ts';
import { fileIdFrom } from '../../slack-files.ts';
import { importsMessage } from '../../views/import-history.ts';
import { undoReportText } from '../../views/imports.ts';
import type { SubcommandGroup } from './router.ts';

export const importCommands: SubcommandGroup = {
  title: 'Import',
  commands: {
    import: {
      usage: '/herald import <list> [file link]',
      description: 'Dry run, then import the CSV you just uploaded here (or the linked file) into a list.',
      async run(ctx) {
        const [listName, link] = ctx.args;
        if (!listName || ctx.args.length > 2) throw ctx.usageError('Name the list; put names with spaces in quotes.');
        const fileId = link === undefined ? undefined : fileIdFrom(link);
        if (fileId === null) throw ctx.usageError('That is not a Slack file link.');
        const list = await requireList(ctx.services.db.primary, ctx.actor, listName);
        const file = fileId ?? (await latestSharedFile(ctx.services.db.primary, ctx.actor.userId, ctx.actor.memberId, ctx.command.channel_id));
        if (!file) {
          throw new UserError('Upload the CSV file in this conversation first, then run `/herald import <list>` again — or use “Import CSV into Herald” on the file’s message.');
        }
        await offerImport(ctx.services, ctx.client, ctx.actor, list, { fileId: file, channelId: ctx.command.channel_id }, (message) => ctx.reply(message.text, message.blocks));
      },
    },
    'import undo': {
      usage: '/herald import undo <import id>',
      description: 'Undo an import while no campaign has reached its new contacts.',
      async run(ctx) {
        const id = ctx.args[0] ?? '';
        if (ctx.args.length !== 1 || !/^\d{1,18}$/.test(id)) throw ctx.usageError('Give the number of the import (`/herald imports` lists them).');
        const undone = await undoImport(ctx.services.db.primary, ctx.actor, BigInt(id));
        await ctx.reply(undoReportText(BigInt(id), undone));
      },
    },
    imports: {
      usage: '/herald imports',
      description: 'Recent imports with their numbers and results.',
      async run(ctx) {
        const { text, blocks } = importsMessage(await recentImports(ctx.services.db.read, ctx.actor.userId, 15));
        await ctx.reply(text, blocks);
      },
    },
  },
};
