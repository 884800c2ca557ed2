import type { Template } from '../../../db/templates.ts';
import { previewTemplate, requireTemplate, templatesOf } from '../../../templates/templates.ts';
import { templateCard, templateDeleteConfirmation, templateModal, templatePreviewMessage, templatesMessage } from '../../views/templates.ts';
import type { CommandContext, SubcommandGroup } from './router.ts';

/** The one template the arguments name. */
function namedTemplate(ctx: CommandContext): Promise<Template> {
  if (ctx.args.length !== 1) throw ctx.usageError('Name one template; put names with spaces in quotes.');
  return requireTemplate(ctx.services.db.primary, ctx.actor, ctx.args[0] ?? '');
}

const list = {
  usage: '/herald template list [part of a name]',
  description: 'Your templates with their subjects and merge fields (those whose name contains the text given).',
  async run(ctx: CommandContext) {
    const nameContains = ctx.args.join(' ');
    const { text, blocks } = templatesMessage(await templatesOf(ctx.services.db.read, ctx.actor, nameContains), nameContains);
    await ctx.reply(text, blocks);
  },
};

export const templateCommands: SubcommandGroup = {
  title: 'Templates',
  commands: {
    'template create': {
      usage: '/herald template create',
      description: 'Write a template (opens a form; checked when saved).',
      async run(ctx) {
        await ctx.client.views.open({ trigger_id: ctx.command.trigger_id, view: templateModal({ channel: ctx.command.channel_id }) as never });
      },
    },
    'template edit': {
      usage: '/herald template edit <template>',
      description: 'Change a template (opens a form).',
      async run(ctx) {
        const template = await namedTemplate(ctx);
        await ctx.client.views.open({ trigger_id: ctx.command.trigger_id, view: templateModal({ channel: ctx.command.channel_id, template }) as never });
      },
    },
    'template list': list,
    templates: { ...list, usage: '/herald templates [part of a name]' },
    'template show': {
      usage: '/herald template show <template>',
      description: 'A template’s subject, merge fields and HTML.',
      async run(ctx) {
        const { text, blocks } = templateCard(await namedTemplate(ctx));
        await ctx.reply(text, blocks);
      },
    },
    'template delete': {
      usage: '/herald template delete <template>',
      description: 'Delete a template (asks to confirm).',
      async run(ctx) {
        const { text, blocks } = templateDeleteConfirmation(await namedTemplate(ctx));
        await ctx.reply(text, blocks);
      },
    },
    'template preview': {
      usage: '/herald template preview <template> [contact email]',
      description: 'Render a template for a contact (or a sample one): text here, HTML as a file in your DM with Herald.',
      async run(ctx) {
        const [name, email] = ctx.args;
        if (!name || ctx.args.length > 2) throw ctx.usageError('Name the template; put names with spaces in quotes.');
        const db = ctx.services.db.primary;
        const template = await requireTemplate(db, ctx.actor, name);
        const preview = await previewTemplate(db, ctx.actor, template, email);
        // a contact's personalised email is for the member who asked, never the channel
        const dm = await ctx.client.conversations.open({ users: ctx.command.user_id });
        if (!dm.channel?.id) throw new Error('conversations.open answered without a channel');
        await ctx.client.files.uploadV2({
          channel_id: dm.channel.id, filename: `${template.name.replace(/[^\w.-]+/g, '-')}-preview.html`,
          title: `Preview of ${template.name} for ${preview.contact}`, file: Buffer.from(preview.html),
        });
        const { text, blocks } = templatePreviewMessage(template, preview);
        await ctx.reply(text, blocks);
      },
    },
  },
};
