/**
 * The payload rules Slack enforces on messages and views (block and modal limits,
 * required fields). The sandbox's Web API rejects what Slack would reject, and the test
 * fake and view unit tests use the same rules — so a view that passes here passes in Slack.
 */

type Block = Record<string, any>;

export type Surface = 'message' | 'modal' | 'home';

const MESSAGE_BLOCK_TYPES = new Set(['section', 'header', 'divider', 'context', 'actions', 'image', 'input', 'rich_text', 'file']);

/** A payload Slack would refuse; the message names the offending path. */
export class SlackRejection extends Error {}

/** Throws a SlackRejection with `message` (a Slack error code or a detail) when `condition` holds. */
export function reject(condition: boolean, message: string): void {
  if (condition) throw new SlackRejection(message);
}

function textLength(obj: unknown): number {
  if (obj && typeof obj === 'object' && 'text' in obj && typeof (obj as { text: unknown }).text === 'string') {
    return (obj as { text: string }).text.length;
  }
  return 0;
}

function validateTextObject(obj: unknown, where: string, max: number, plainOnly = false): void {
  reject(!obj || typeof obj !== 'object', `${where}: missing text object`);
  const t = obj as { type?: string; text?: unknown };
  reject(t.type !== 'plain_text' && (plainOnly || t.type !== 'mrkdwn'), `${where}: bad text type ${t.type}`);
  reject(typeof t.text !== 'string' || t.text.length === 0, `${where}: empty text`);
  reject(textLength(t) > max, `${where}: text longer than ${max}`);
}

function validateOptions(options: readonly Block[], where: string, plainOnly: boolean): void {
  reject(options.length > 100, `${where}: more than 100 options`);
  for (const [i, o] of options.entries()) {
    validateTextObject(o?.text, `${where}[${i}].text`, 75, plainOnly);
    reject(typeof o.value !== 'string' || o.value.length > 150, `${where}[${i}]: bad value`);
  }
}

/** External selects get their options from the app's options load URL; only the initial ones are in the view. */
function validateExternalSelect(el: Block, where: string): void {
  const multi = el.type === 'multi_external_select';
  reject(el.options !== undefined || el.option_groups !== undefined, `${where}: an external select takes no options`);
  reject(el[multi ? 'initial_option' : 'initial_options'] !== undefined, `${where}: ${multi ? 'initial_option' : 'initial_options'} is not a field of ${el.type}`);
  const initial = multi ? el.initial_options : el.initial_option === undefined ? undefined : [el.initial_option];
  if (initial !== undefined) {
    reject(!Array.isArray(initial), `${where}: bad initial option(s)`);
    validateOptions(initial, `${where}.initial_option${multi ? 's' : ''}`, true);
  }
  if (el.min_query_length !== undefined) reject(!Number.isInteger(el.min_query_length) || el.min_query_length < 0, `${where}: bad min_query_length`);
  if (el.max_selected_items !== undefined) reject(!multi || !Number.isInteger(el.max_selected_items) || el.max_selected_items < 1, `${where}: bad max_selected_items`);
  if (el.placeholder !== undefined) validateTextObject(el.placeholder, `${where}.placeholder`, 150, true);
}

/**
 * The app's answer to an options request (block_suggestion) as Slack checks it before it shows
 * the options: up to 100 options, or up to 100 option groups of up to 100 options each.
 */
export function validateOptionsResponse(answer: unknown): void {
  const body = (answer ?? {}) as Block;
  reject(!Array.isArray(body.options) === !Array.isArray(body.option_groups), 'options: send either options or option_groups');
  if (Array.isArray(body.options)) return validateOptions(body.options, 'options', true);
  reject(body.option_groups.length > 100, 'option_groups: more than 100 groups');
  for (const [i, group] of (body.option_groups as Block[]).entries()) {
    validateTextObject(group?.label, `option_groups[${i}].label`, 75, true);
    reject(!Array.isArray(group.options), `option_groups[${i}]: without options`);
    validateOptions(group.options, `option_groups[${i}].options`, true);
  }
}

function validateElement(el: Block, where: string): void {
  reject(typeof el.type !== 'string', `${where}: element without type`);
  if (el.action_id !== undefined) reject(String(el.action_id).length > 255, `${where}: action_id too long`);
  if (el.type === 'button') {
    validateTextObject(el.text, `${where}.text`, 75, true);
    if (el.value !== undefined) reject(String(el.value).length > 2000, `${where}: button value too long`);
    if (el.url !== undefined) reject(String(el.url).length > 3000, `${where}: url too long`);
  }
  if (el.type === 'static_select' || el.type === 'multi_static_select' || el.type === 'checkboxes' || el.type === 'radio_buttons' || el.type === 'overflow') {
    const options = (el.options ?? el.option_groups?.flatMap((g: Block) => g.options)) as Block[] | undefined;
    reject(!Array.isArray(options) || options.length === 0, `${where}: select without options`);
    validateOptions(options ?? [], `${where}.options`, el.type.includes('select') || el.type === 'overflow');
  }
  if (el.type === 'external_select' || el.type === 'multi_external_select') validateExternalSelect(el, where);
  if (el.type === 'plain_text_input') {
    if (el.max_length !== undefined) reject(el.max_length < 1 || el.max_length > 3000, `${where}: bad max_length`);
    if (el.initial_value !== undefined) reject(String(el.initial_value).length > 3000, `${where}: initial_value too long`);
  }
}

function validateBlock(block: Block, where: string, surface: Surface): void {
  reject(!block || typeof block.type !== 'string', `${where}: block without type`);
  reject(surface === 'message' && !MESSAGE_BLOCK_TYPES.has(block.type), `${where}: unknown block type ${block.type}`);
  if (block.block_id !== undefined) reject(String(block.block_id).length > 255, `${where}: block_id too long`);
  switch (block.type) {
    case 'section':
      reject(block.text === undefined && block.fields === undefined, `${where}: section needs text or fields`);
      if (block.text !== undefined) validateTextObject(block.text, `${where}.text`, 3000);
      if (block.fields !== undefined) {
        reject(!Array.isArray(block.fields) || block.fields.length > 10, `${where}: more than 10 fields`);
        for (const [i, f] of (block.fields as Block[]).entries()) validateTextObject(f, `${where}.fields[${i}]`, 2000);
      }
      if (block.accessory !== undefined) validateElement(block.accessory, `${where}.accessory`);
      break;
    case 'header':
      validateTextObject(block.text, `${where}.text`, 150, true);
      break;
    case 'context':
      reject(!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10, `${where}: context needs 1-10 elements`);
      for (const [i, e] of (block.elements as Block[]).entries()) {
        if (e.type !== 'image') validateTextObject(e, `${where}.elements[${i}]`, 3000);
      }
      break;
    case 'actions':
      reject(!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25, `${where}: actions needs 1-25 elements`);
      for (const [i, e] of (block.elements as Block[]).entries()) validateElement(e, `${where}.elements[${i}]`);
      break;
    case 'input':
      reject(surface === 'message', `${where}: input blocks are not allowed in messages`);
      validateTextObject(block.label, `${where}.label`, 2000, true);
      reject(!block.element, `${where}: input without element`);
      validateElement(block.element, `${where}.element`);
      if (block.hint !== undefined) validateTextObject(block.hint, `${where}.hint`, 2000, true);
      break;
    case 'image':
      reject(typeof block.image_url !== 'string' && !block.slack_file, `${where}: image without url`);
      reject(typeof block.alt_text !== 'string', `${where}: image without alt_text`);
      break;
    case 'divider':
      break;
  }
}

export function validateBlocks(blocks: unknown, surface: Surface): void {
  reject(!Array.isArray(blocks), 'blocks: not an array');
  const limit = surface === 'message' ? 50 : 100;
  reject((blocks as Block[]).length > limit, `blocks: more than ${limit} blocks`);
  const ids = new Set<string>();
  for (const [i, b] of (blocks as Block[]).entries()) {
    validateBlock(b, `blocks[${i}]`, surface);
    if (b.block_id !== undefined) {
      reject(ids.has(b.block_id), `blocks[${i}]: duplicate block_id ${b.block_id}`);
      ids.add(b.block_id);
    }
  }
}

export function validateView(view: Block): void {
  reject(view.type !== 'modal' && view.type !== 'home', 'invalid view type');
  const surface = view.type as 'modal' | 'home';
  if (surface === 'modal') {
    validateTextObject(view.title, 'view.title', 24, true);
    if (view.submit !== undefined) validateTextObject(view.submit, 'view.submit', 24, true);
    if (view.close !== undefined) validateTextObject(view.close, 'view.close', 24, true);
    const hasInput = (view.blocks as Block[] | undefined)?.some((b) => b.type === 'input');
    reject(Boolean(hasInput) && view.submit === undefined, 'view: submit is required with input blocks');
  }
  if (view.private_metadata !== undefined) reject(String(view.private_metadata).length > 3000, 'view: private_metadata too long');
  if (view.callback_id !== undefined) reject(String(view.callback_id).length > 255, 'view: callback_id too long');
  validateBlocks(view.blocks, surface);
}

/** chat.postMessage/postEphemeral/update arguments as Slack checks them (blocks parsed, or the JSON string Bolt sends). */
export function validateMessage(args: Record<string, unknown>): void {
  reject(typeof args.channel !== 'string' || args.channel === '', 'channel_not_found');
  const blocks = args.blocks === undefined || args.blocks === null ? undefined : typeof args.blocks === 'string' ? JSON.parse(args.blocks) : args.blocks;
  reject(blocks === undefined && (typeof args.text !== 'string' || args.text === ''), 'no_text');
  if (blocks !== undefined) validateBlocks(blocks, 'message');
  if (typeof args.text === 'string') reject(args.text.length > 40_000, 'msg_too_long');
}
