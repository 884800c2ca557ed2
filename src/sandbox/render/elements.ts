import { initialOptions } from '../block-ids.ts';
import { html, type Html } from './html.ts';
import { plainText, textObject, type Names } from './mrkdwn.ts';

type Json = Record<string, any>;

/** Who and what the directory selects (users_select, conversations_select) offer. */
export type Directory = {
  members: ReadonlyArray<{ id: string; real_name: string }>;
  channels: ReadonlyArray<{ id: string; name: string; im: boolean }>;
};

export type ElementContext = { names: Names; directory: Directory; blockId: string; dispatch: boolean };

function ids(element: Json, ctx: ElementContext) {
  return {
    'data-type': String(element.type),
    'data-block-id': ctx.blockId,
    'data-action-id': String(element.action_id ?? ''),
    'data-dispatch': ctx.dispatch ? '1' : undefined,
  };
}

function attributes(values: Record<string, string | number | boolean | undefined>): Html {
  return html`${Object.entries(values)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? html` ${k}` : html` ${k}="${String(v)}"`))}`;
}

function optionsOf(element: Json): Json[] {
  return (element.options ?? (element.option_groups as Json[] | undefined)?.flatMap((g) => g.options as Json[]) ?? []) as Json[];
}

function placeholderText(element: Json): string {
  return typeof element.placeholder?.text === 'string' ? element.placeholder.text : '';
}

function optionTags(options: readonly Json[], selected: ReadonlySet<string>): Html[] {
  return options.map((o) => html`<option value="${String(o.value)}"${selected.has(String(o.value)) ? html` selected` : ''}>${String(o.text?.text ?? o.value)}</option>`);
}

function selectOptions(element: Json, selected: ReadonlySet<string>): Html[] {
  if (Array.isArray(element.option_groups)) {
    return (element.option_groups as Json[]).map((g) => html`<optgroup label="${String(g.label?.text ?? '')}">${optionTags(g.options ?? [], selected)}</optgroup>`);
  }
  return optionTags(optionsOf(element), selected);
}

function selectedValues(element: Json): Set<string> {
  return new Set(initialOptions(element).map((o) => String(o.value)));
}

function confirmAttributes(confirm: Json | undefined): Record<string, string | undefined> {
  if (!confirm) return {};
  return {
    'data-confirm-title': String(confirm.title?.text ?? 'Are you sure?'),
    'data-confirm-text': String(confirm.text?.text ?? ''),
    'data-confirm-ok': String(confirm.confirm?.text ?? 'Yes'),
    'data-confirm-deny': String(confirm.deny?.text ?? 'Cancel'),
  };
}

function button(element: Json, ctx: ElementContext): Html {
  const style = element.style === 'primary' || element.style === 'danger' ? ` bk-${element.style}` : '';
  const attrs = attributes({ ...ids(element, ctx), 'data-dispatch': '1', 'data-url': element.url, ...confirmAttributes(element.confirm) });
  return html`<button type="button" class="bk-button${style}"${attrs}>${plainText(String(element.text?.text ?? ''), element.text?.emoji !== false)}</button>`;
}

function staticSelect(element: Json, ctx: ElementContext, multiple: boolean): Html {
  const selected = selectedValues(element);
  const size = multiple ? Math.min(6, Math.max(3, optionsOf(element).length)) : undefined;
  const attrs = attributes({ ...ids(element, ctx), multiple, size, 'aria-label': placeholderText(element) || 'Select' });
  const placeholder = multiple ? '' : html`<option value=""${selected.size === 0 ? html` selected` : ''}>${placeholderText(element) || 'Select an item'}</option>`;
  return html`<select class="bk-select"${attrs}>${placeholder}${selectOptions(element, selected)}</select>`;
}

/**
 * A search box over a select holding the initial options; what is typed is sent to the app as a
 * block_suggestion (from min_query_length characters, 3 unless set, as in Slack) and the
 * options it answers fill the select.
 */
function externalSelect(element: Json, ctx: ElementContext, multiple: boolean): Html {
  const initial = initialOptions(element);
  const minQueryLength = Number.isInteger(element.min_query_length) ? Number(element.min_query_length) : 3;
  const attrs = attributes({ ...ids(element, ctx), multiple, size: multiple ? 6 : undefined, 'data-min-query-length': minQueryLength, 'aria-label': placeholderText(element) || 'Select' });
  const placeholder = multiple ? '' : html`<option value=""${initial.length === 0 ? html` selected` : ''}>Select an item</option>`;
  const search = html`<input class="bk-text bk-search" type="search" autocomplete="off" placeholder="${placeholderText(element) || 'Type to search'}" aria-label="${placeholderText(element) || 'Search'}">`;
  const options = optionTags(initial, new Set(initial.map((o) => String(o.value))));
  return html`<div class="bk-external">${search}<select class="bk-select"${attrs}>${placeholder}${options}</select></div>`;
}

function overflow(element: Json, ctx: ElementContext): Html {
  return html`<select class="bk-overflow"${attributes({ ...ids(element, ctx), 'aria-label': 'More actions' })}><option value="" selected>⋯</option>${selectOptions(element, new Set())}</select>`;
}

function choiceList(element: Json, ctx: ElementContext, kind: 'checkbox' | 'radio'): Html {
  const selected = selectedValues(element);
  const name = `${ctx.blockId}/${String(element.action_id)}`;
  const items = optionsOf(element).map(
    (o) => html`<label class="bk-choice"><input type="${kind}" name="${name}" value="${String(o.value)}"${selected.has(String(o.value)) ? html` checked` : ''}> <span>${textObject(o.text, ctx.names)}</span>${o.description ? html`<small>${textObject(o.description, ctx.names)}</small>` : ''}</label>`,
  );
  return html`<div class="bk-choices"${attributes(ids(element, ctx))}>${items}</div>`;
}

function textInput(element: Json, ctx: ElementContext): Html {
  const common = attributes({
    ...ids(element, ctx),
    placeholder: placeholderText(element) || undefined,
    maxlength: element.max_length,
    'aria-label': placeholderText(element) || 'Text',
  });
  if (element.multiline) return html`<textarea class="bk-text" rows="4"${common}>${String(element.initial_value ?? '')}</textarea>`;
  const type = { email_text_input: 'email', url_text_input: 'url', number_input: 'text' }[String(element.type)] ?? 'text';
  const initial = element.initial_value === undefined ? undefined : String(element.initial_value);
  return html`<input class="bk-text" type="${type}"${attributes({ value: initial })}${common}>`;
}

function picker(element: Json, ctx: ElementContext, type: 'date' | 'time'): Html {
  const value = type === 'date' ? element.initial_date : element.initial_time;
  return html`<input class="bk-picker" type="${type}"${attributes({ ...ids(element, ctx), value, 'aria-label': placeholderText(element) || type })}>`;
}

function directorySelect(element: Json, ctx: ElementContext): Html {
  const type = String(element.type);
  const users = type.includes('users');
  const multiple = type.startsWith('multi_');
  const entries = users
    ? ctx.directory.members.map((m) => ({ value: m.id, text: m.real_name }))
    : ctx.directory.channels.filter((c) => !type.includes('channels') || !c.im).map((c) => ({ value: c.id, text: c.im ? `@${c.name}` : `#${c.name}` }));
  const initial = new Set<string>(
    [element.initial_user, element.initial_conversation, element.initial_channel, ...(element.initial_users ?? []), ...(element.initial_conversations ?? []), ...(element.initial_channels ?? [])]
      .filter((v): v is string => typeof v === 'string'),
  );
  const options = entries.map((e) => html`<option value="${e.value}"${initial.has(e.value) ? html` selected` : ''}>${e.text}</option>`);
  const placeholder = multiple ? '' : html`<option value="">${placeholderText(element) || 'Select'}</option>`;
  return html`<select class="bk-select"${attributes({ ...ids(element, ctx), multiple })}>${placeholder}${options}</select>`;
}

function image(element: Json): Html {
  return html`<img class="bk-image-element" src="${String(element.image_url ?? '')}" alt="${String(element.alt_text ?? '')}">`;
}

/** One Block Kit element as HTML carrying the ids the page sends back with an action. */
export function renderElement(element: Json, ctx: ElementContext): Html {
  switch (element.type) {
    case 'button':
      return button(element, ctx);
    case 'static_select':
      return staticSelect(element, ctx, false);
    case 'multi_static_select':
      return staticSelect(element, ctx, true);
    case 'external_select':
      return externalSelect(element, ctx, false);
    case 'multi_external_select':
      return externalSelect(element, ctx, true);
    case 'overflow':
      return overflow(element, ctx);
    case 'checkboxes':
      return choiceList(element, ctx, 'checkbox');
    case 'radio_buttons':
      return choiceList(element, ctx, 'radio');
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return textInput(element, ctx);
    case 'datepicker':
      return picker(element, ctx, 'date');
    case 'timepicker':
      return picker(element, ctx, 'time');
    case 'users_select':
    case 'multi_users_select':
    case 'conversations_select':
    case 'multi_conversations_select':
    case 'channels_select':
    case 'multi_channels_select':
      return directorySelect(element, ctx);
    case 'image':
      return image(element);
    default:
      return html`<span class="bk-unsupported">[${String(element.type)} is not shown in the sandbox]</span>`;
  }
}
