import type { Template } from '../../db/templates.ts';
import type { Personalised } from '../../mail/render.ts';
import { BODY_MAX, SUBJECT_MAX, TEMPLATE_NAME_MAX } from '../../templates/templates.ts';
import { button, context, escapeMrkdwn, listingBlocks, modal, section, textInput, truncate, type Block, type ModalView } from './blocks.ts';

export const TEMPLATE_SAVE_VIEW = 'template_save';
export const TEMPLATE_DELETE_ACTION = 'template_delete_confirm';
export const TEMPLATE_DELETE_CANCEL_ACTION = 'template_delete_cancel';

const HELP = 'Merge fields: {{first_name}}, {{last_name}}, {{email}}, custom fields like {{company}}. Helpers: {{default first_name "there"}}, {{upper x}}, {{lower x}}, {{capitalize x}}, {{#if (eq plan "pro")}}…{{/if}}.';

export function templateModal(state: { channel: string; template?: Template }): ModalView {
  const { template } = state;
  return modal({
    callback_id: TEMPLATE_SAVE_VIEW,
    title: template ? 'Edit template' : 'New template',
    submit: 'Save',
    private_metadata: JSON.stringify({ channel: state.channel, templateId: template ? String(template.id) : undefined }),
    blocks: [
      textInput({ blockId: 'name', label: 'Name', maxLength: TEMPLATE_NAME_MAX, initial: template?.name }),
      textInput({ blockId: 'subject', label: 'Subject', maxLength: SUBJECT_MAX, initial: template?.subject, placeholder: 'News for {{first_name}}' }),
      textInput({ blockId: 'html', label: 'HTML body', multiline: true, maxLength: BODY_MAX, initial: template?.html_content, hint: HELP }),
      textInput({ blockId: 'text', label: 'Plain text body', optional: true, multiline: true, maxLength: BODY_MAX, initial: template?.text_content,
        hint: 'Leave empty to derive it from the HTML.' }),
    ],
  });
}

const fieldsLine = (template: Template) => (template.merge_fields.length ? template.merge_fields.map((f) => `\`${f}\``).join(', ') : 'none');

/** The account's templates, or those whose name contains `nameContains`. */
export function templatesMessage(templates: readonly Template[], nameContains = ''): { text: string; blocks: Block[] } {
  if (templates.length === 0) {
    const text = nameContains
      ? `No template’s name contains “${nameContains}”. \`/herald templates\` shows them all.`
      : 'No templates yet. Create one with `/herald template create`.';
    return { text, blocks: [section(escapeMrkdwn(text))] };
  }
  const count = `${templates.length.toLocaleString('en-US')} template${templates.length === 1 ? '' : 's'}`;
  const text = nameContains ? `${count} whose name contains “${nameContains}”` : count;
  const lines = templates.map((t) => `*${escapeMrkdwn(t.name)}* — ${escapeMrkdwn(truncate(t.subject, 120))}\n      fields: ${fieldsLine(t)}`);
  return {
    text,
    blocks: listingBlocks(`*${escapeMrkdwn(text)}*`, lines, '`/herald templates <part of a name>` shows the templates whose name contains it.'),
  };
}

/** Code blocks cannot contain ``` — break them so the source shows as written. */
const code = (source: string, limit: number) => `\`\`\`${truncate(source, limit).replaceAll('```', '`\u200b``')}\`\`\``;

export function templateCard(template: Template): { text: string; blocks: Block[] } {
  return {
    text: `Template ${template.name}`,
    blocks: [
      section(`*${escapeMrkdwn(template.name)}*\nSubject: ${escapeMrkdwn(template.subject)}\nMerge fields: ${fieldsLine(template)}`),
      section(code(template.html_content, 2800)),
      context(`Updated ${template.updated_at.toISOString().slice(0, 10)} · \`/herald template preview "${escapeMrkdwn(template.name)}" [email]\``),
    ],
  };
}

export function templateDeleteConfirmation(template: Template): { text: string; blocks: Block[] } {
  const text = `Delete the template “${template.name}”?`;
  return {
    text,
    blocks: [
      section(`Delete the template *${escapeMrkdwn(template.name)}*? Campaigns created from it keep their content.`),
      { type: 'actions', block_id: 'template_delete', elements: [
        button('Delete template', TEMPLATE_DELETE_ACTION, String(template.id), 'danger'),
        button('Cancel', TEMPLATE_DELETE_CANCEL_ACTION, String(template.id)),
      ] },
    ],
  };
}

export function templatePreviewMessage(template: Template, preview: Personalised & { contact: string }): { text: string; blocks: Block[] } {
  return {
    text: `Preview of ${template.name} for ${preview.contact}`,
    blocks: [
      section(`Preview of *${escapeMrkdwn(template.name)}* for ${escapeMrkdwn(preview.contact)} — the HTML version is in your DM with Herald (its Messages tab).`),
      section(`*Subject:* ${escapeMrkdwn(preview.subject)}`),
      section(code(preview.text, 2900)),
    ],
  };
}
