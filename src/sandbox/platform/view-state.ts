import { z } from 'zod';
import { elementsOf, initialOptions } from '../block-ids.ts';

type Json = Record<string, any>;

/**
 * What the page sends for an element: its text, or the values it has selected — and for an
 * external select, the selected options' texts too (the app sent those options to the page, not to the view).
 */
export const RawValue = z.object({
  value: z.string().max(10_000).optional(),
  values: z.array(z.string().max(255)).max(100).optional(),
  options: z.array(z.object({ value: z.string().max(150), text: z.string().max(2000) })).max(100).optional(),
});
export const RawState = z.record(z.string().max(255), z.record(z.string().max(255), RawValue));
export type RawValue = z.infer<typeof RawValue>;
export type RawState = z.infer<typeof RawState>;

const TEXT_INPUTS = new Set(['plain_text_input', 'email_text_input', 'url_text_input', 'number_input']);
const STATELESS = new Set(['button', 'overflow', 'image', 'workflow_button']);

function optionsOf(element: Json): Json[] {
  return (element.options ?? (element.option_groups as Json[] | undefined)?.flatMap((g) => g.options as Json[]) ?? []) as Json[];
}

function pick(element: Json, values: readonly string[]): Json[] {
  const options = optionsOf(element);
  return values.map((value) => options.find((o) => o.value === value)).filter((o): o is Json => o !== undefined);
}

/** An external select's selected options: its initial ones as the app wrote them, others as the page loaded them. */
function pickExternal(element: Json, values: readonly string[], loaded: RawValue['options'] = []): Json[] {
  const known = new Map<string, Json>(loaded.map((o) => [o.value, { text: { type: 'plain_text', text: o.text, emoji: true }, value: o.value }]));
  for (const o of initialOptions(element)) known.set(String(o.value), o);
  return values.map((value) => known.get(value)).filter((o): o is Json => o !== undefined);
}

/** An element's value in Slack's shape (`value`, `selected_option`, `selected_date`, …), from what the page sent. */
export function slackValue(element: Json, raw: RawValue | undefined): Json {
  const value = raw?.value ?? '';
  const values = raw?.values ?? (value === '' ? [] : [value]);
  const type = String(element.type);
  if (TEXT_INPUTS.has(type)) return { type, value: value === '' ? null : value };
  switch (type) {
    case 'static_select':
    case 'radio_buttons':
    case 'overflow':
      return { type, selected_option: pick(element, values)[0] ?? null };
    case 'multi_static_select':
    case 'checkboxes':
      return { type, selected_options: pick(element, values) };
    case 'external_select':
      return { type, selected_option: pickExternal(element, values, raw?.options)[0] ?? null };
    case 'multi_external_select':
      return { type, selected_options: pickExternal(element, values, raw?.options) };
    case 'datepicker':
      return { type, selected_date: value || null };
    case 'timepicker':
      return { type, selected_time: value || null, ...(element.timezone ? { timezone: element.timezone } : {}) };
    case 'users_select':
      return { type, selected_user: value || null };
    case 'multi_users_select':
      return { type, selected_users: values };
    case 'conversations_select':
      return { type, selected_conversation: value || null };
    case 'channels_select':
      return { type, selected_channel: value || null };
    case 'multi_conversations_select':
      return { type, selected_conversations: values };
    case 'multi_channels_select':
      return { type, selected_channels: values };
    default:
      return { type, value: value || null };
  }
}

function statefulElements(block: Json): Json[] {
  if (block.type === 'input') return block.element ? [block.element as Json] : [];
  if (block.type === 'actions' || block.type === 'section') return elementsOf(block).filter((e) => !STATELESS.has(String(e.type)));
  return [];
}

/**
 * view.state.values as Slack sends it: every input block's element, and the stateful
 * elements of actions/section blocks the person touched, keyed by block_id and action_id.
 */
export function stateValues(blocks: readonly Json[], raw: RawState): Json {
  const values: Json = {};
  for (const block of blocks) {
    for (const element of statefulElements(block)) {
      const sent = raw[block.block_id]?.[element.action_id];
      if (block.type !== 'input' && sent === undefined) continue;
      values[block.block_id] = { ...values[block.block_id], [element.action_id]: slackValue(element, sent) };
    }
  }
  return values;
}

function isEmpty(state: Json): boolean {
  return Object.entries(state).every(([key, value]) => key === 'type' || value === null || (Array.isArray(value) && value.length === 0));
}

/** The checks Slack's own client makes before it submits a modal (required fields, lengths, formats). */
export function clientSideErrors(blocks: readonly Json[], values: Json): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const block of blocks) {
    if (block.type !== 'input' || !block.element) continue;
    const element = block.element as Json;
    const state = (values[block.block_id]?.[element.action_id] ?? {}) as Json;
    const problem = isEmpty(state) ? (block.optional ? null : 'Please complete this required field.') : formatProblem(element, state);
    if (problem) errors[block.block_id] = problem;
  }
  return errors;
}

function formatProblem(element: Json, state: Json): string | null {
  const value = typeof state.value === 'string' ? state.value : null;
  if (value === null) return null;
  if (element.min_length !== undefined && value.length < element.min_length) return `Please enter at least ${element.min_length} characters.`;
  if (element.max_length !== undefined && value.length > element.max_length) return `Please enter at most ${element.max_length} characters.`;
  if (element.type === 'email_text_input' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return 'Please enter a valid email address.';
  if (element.type === 'url_text_input' && !/^https?:\/\/\S+$/.test(value)) return 'Please enter a valid URL.';
  if (element.type === 'number_input') {
    const number = Number(value);
    if (value.trim() === '' || Number.isNaN(number)) return 'Please enter a number.';
    if (!element.is_decimal_allowed && !Number.isInteger(number)) return 'Please enter a whole number.';
    if (element.min_value !== undefined && number < Number(element.min_value)) return `Please enter a number of at least ${element.min_value}.`;
    if (element.max_value !== undefined && number > Number(element.max_value)) return `Please enter a number of at most ${element.max_value}.`;
  }
  return null;
}
