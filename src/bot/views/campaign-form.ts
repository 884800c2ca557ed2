import { CAMPAIGN_NAME_MAX, type CampaignForm } from '../../campaigns/form.ts';
import { context, modal, plain, textInput, type Block, type ModalView } from './blocks.ts';
import { CAMPAIGN_FORM_VIEW, CAMPAIGN_TEMPLATE_PICK_ACTION } from './campaign-ids.ts';
import { choiceInput, type Choice } from './choice-select.ts';
import { LIST_SELECT_ACTION } from './lists.ts';

export type CampaignFormState = {
  /** where the campaign card is posted */
  channel: string;
  /** set when editing */
  campaignId?: bigint;
  templates: readonly Choice[];
  lists: readonly Choice[];
  values: CampaignForm;
};

export type CampaignFormMetadata = { channel: string; campaignId?: string };

/** The template select tells Herald when a template is picked, to fill in its subject. */
function templateSelect(templates: CampaignFormState['templates'], templateId: string): Block {
  const block = choiceInput({ blockId: 'template', label: 'Template', choices: templates, selected: [templateId], multi: false,
    actionId: CAMPAIGN_TEMPLATE_PICK_ACTION, searchPlaceholder: 'Type to find a template' });
  return { ...block, dispatch_action: true };
}

/**
 * Slack keeps what was typed into an input across views.update unless its action_id changes,
 * so the subject input's action_id names the template whose subject it was filled with.
 */
function subjectInput(subject: string, templateId: string): Block {
  const block = textInput({ blockId: 'subject', label: 'Subject', initial: subject, optional: true, maxLength: 998,
    hint: 'Filled in from the template; change it if you like. Merge fields like {{first_name}} work.' });
  return { ...block, element: { ...(block.element as Block), action_id: `subject_${templateId || 'none'}` } };
}

function picker(blockId: string, label: string, type: 'datepicker' | 'timepicker', initial: string): Block {
  const initialKey = type === 'datepicker' ? 'initial_date' : 'initial_time';
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(label),
    element: { type, action_id: 'value', ...(initial ? { [initialKey]: initial } : {}) },
  };
}

/** The campaign form (new, edit, or drafted from a message); block ids are the form's field names. */
export function campaignFormModal(state: CampaignFormState): ModalView {
  const { values } = state;
  const editing = state.campaignId !== undefined;
  const metadata: CampaignFormMetadata = { channel: state.channel, ...(editing ? { campaignId: String(state.campaignId) } : {}) };
  return modal({
    callback_id: CAMPAIGN_FORM_VIEW,
    title: editing ? 'Edit campaign' : 'New campaign',
    submit: editing ? 'Save' : 'Create draft',
    private_metadata: JSON.stringify(metadata),
    blocks: [
      textInput({ blockId: 'name', label: 'Name', initial: values.name, maxLength: CAMPAIGN_NAME_MAX, placeholder: 'Spring sale' }),
      templateSelect(state.templates, values.templateId),
      subjectInput(values.subject, values.templateId),
      textInput({ blockId: 'body', label: 'Body', initial: values.body, optional: true, multiline: true, maxLength: 3000,
        hint: editing
          ? 'Leave empty to keep the current body (or take the new template’s, if you pick another).'
          : 'Leave empty to use the template’s body. Plain text: blank lines start paragraphs; links and *bold* work.' }),
      textInput({ blockId: 'from_name', label: 'From name', initial: values.fromName, optional: true, maxLength: 255 }),
      textInput({ blockId: 'from_email', label: 'From address', initial: values.fromEmail, maxLength: 320, placeholder: 'news@example.com' }),
      choiceInput({ blockId: 'lists', label: 'Lists', choices: state.lists, selected: values.listIds, multi: true,
        actionId: LIST_SELECT_ACTION, searchPlaceholder: 'Type to find lists' }),
      context('*Audience filter* (optional): only contacts of the lists that match every condition you fill in.'),
      textInput({ blockId: 'tags', label: 'Tagged with', initial: values.tags, optional: true, maxLength: 500,
        hint: 'Comma-separated; a contact needs all of them.' }),
      textInput({ blockId: 'field', label: 'Custom field equals', initial: values.field, optional: true, maxLength: 300, placeholder: 'plan=pro' }),
      textInput({ blockId: 'engaged_days', label: 'Opened or clicked in the last N days', initial: values.engagedDays, optional: true, maxLength: 4 }),
      context('*Send time* (optional): when to send once approved. Leave empty to decide after approval.'),
      picker('send_date', 'Date', 'datepicker', values.sendDate),
      picker('send_time', 'Time', 'timepicker', values.sendTime),
      textInput({ blockId: 'timezone', label: 'Time zone', initial: values.timezone, optional: true, maxLength: 64, placeholder: 'Europe/Berlin' }),
    ],
  });
}
