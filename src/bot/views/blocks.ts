/** Small Block Kit builders shared by Herald's views; they keep texts inside Slack's limits. */

export type Block = Record<string, unknown>;
export type ModalView = {
  type: 'modal';
  callback_id: string;
  title: { type: 'plain_text'; text: string };
  submit?: { type: 'plain_text'; text: string };
  close?: { type: 'plain_text'; text: string };
  private_metadata?: string;
  blocks: Block[];
};

const SECTION_TEXT_LIMIT = 3000;

export function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

export const plain = (text: string, limit = 2000) => ({ type: 'plain_text' as const, text: truncate(text, limit) });
export const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text: truncate(text, SECTION_TEXT_LIMIT) });

export function section(text: string, accessory?: Block): Block {
  return accessory ? { type: 'section', text: mrkdwn(text), accessory } : { type: 'section', text: mrkdwn(text) };
}

export function header(text: string): Block {
  return { type: 'header', text: plain(text, 150) };
}

export function context(text: string): Block {
  return { type: 'context', elements: [mrkdwn(text)] };
}

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Block {
  return { type: 'button', text: plain(text, 75), action_id: actionId, value, ...(style ? { style } : {}) };
}

/** Markdown text escaped so user-provided names cannot inject mentions or formatting links. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Splits lines into section-sized chunks (each ≤ 3000 characters). */
export function sectionsOf(lines: readonly string[]): Block[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines) {
    const safeLine = truncate(line, SECTION_TEXT_LIMIT);
    if (current && current.length + 1 + safeLine.length > SECTION_TEXT_LIMIT) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${safeLine}` : safeLine;
  }
  if (current) chunks.push(current);
  return chunks.map((chunk) => section(chunk));
}

/**
 * Block text one message may carry: Slack refuses a message whose blocks' texts add up to
 * about 12,000 characters (msg_blocks_too_long), far below 50 sections of 3,000.
 */
const MESSAGE_TEXT_BUDGET = 10_000;

/**
 * A listing's title and as many of its lines as one message carries, in sections; when some
 * do not fit (or of `total` only the first were read), a last line says how many and
 * `findRest` how to find them.
 */
export function listingBlocks(title: string, lines: readonly string[], findRest: string, total = lines.length): Block[] {
  let used = title.length;
  let shown = 0;
  for (const line of lines) {
    used += 1 + Math.min(line.length, SECTION_TEXT_LIMIT);
    if (used > MESSAGE_TEXT_BUDGET) break;
    shown += 1;
  }
  const hidden = total - shown;
  return [
    ...sectionsOf([title, ...lines.slice(0, shown)]),
    ...(hidden > 0 ? [section(`…and ${hidden.toLocaleString('en-US')} more. ${findRest}`)] : []),
  ];
}

export type TextInput = {
  blockId: string;
  label: string;
  initial?: string | null;
  multiline?: boolean;
  optional?: boolean;
  maxLength?: number;
  placeholder?: string;
  hint?: string;
};

export function textInput(input: TextInput): Block {
  return {
    type: 'input',
    block_id: input.blockId,
    optional: input.optional ?? false,
    label: plain(input.label),
    ...(input.hint ? { hint: plain(input.hint) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      multiline: input.multiline ?? false,
      ...(input.maxLength ? { max_length: input.maxLength } : {}),
      ...(input.initial ? { initial_value: truncate(input.initial, input.maxLength ?? 3000) } : {}),
      ...(input.placeholder ? { placeholder: plain(input.placeholder, 150) } : {}),
    },
  };
}

export function modal(view: Omit<ModalView, 'type' | 'title' | 'submit'> & { title: string; submit?: string }): ModalView {
  const { title, submit, ...rest } = view;
  return {
    type: 'modal',
    ...rest,
    title: plain(title, 24),
    ...(submit ? { submit: plain(submit, 24) } : {}),
    close: plain('Cancel', 24),
  };
}
