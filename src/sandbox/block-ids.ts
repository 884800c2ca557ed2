import { token } from './ids.ts';

type Json = Record<string, unknown>;

/** Elements inside a block that can carry an action_id. */
function elementsOf(block: Json): Json[] {
  const elements = Array.isArray(block.elements) ? (block.elements as Json[]) : [];
  const single = [block.accessory, block.element].filter((e): e is Json => typeof e === 'object' && e !== null);
  return [...elements, ...single];
}

const INTERACTIVE = /button|select|picker|input|checkboxes|radio_buttons|overflow/;

/**
 * Slack gives every block without a block_id, and every interactive element without an
 * action_id, a generated one, and sends those back in payloads; the sandbox does the same
 * when it stores a message or view.
 */
export function withGeneratedIds<T extends Json>(blocks: readonly T[]): T[] {
  return blocks.map((block) => {
    const copy: Json = { ...block, block_id: block.block_id ?? token(3) };
    if (Array.isArray(block.elements)) copy.elements = (block.elements as Json[]).map(withActionId);
    if (block.accessory) copy.accessory = withActionId(block.accessory as Json);
    if (block.element) copy.element = withActionId(block.element as Json);
    return copy as T;
  });
}

function withActionId(element: Json): Json {
  if (typeof element.type !== 'string' || !INTERACTIVE.test(element.type) || element.action_id !== undefined) return element;
  return { ...element, action_id: token(3) };
}

/** Finds the element a page action refers to. */
export function findElement(blocks: readonly Json[], blockId: string, actionId: string): Json | undefined {
  const block = blocks.find((b) => b.block_id === blockId);
  return block ? elementsOf(block).find((e) => e.action_id === actionId) : undefined;
}

export { elementsOf };

/** A select's initial option(s), single or multi, as one list. */
export function initialOptions(element: Json): Json[] {
  return [element.initial_option, ...((element.initial_options as Json[] | undefined) ?? [])].filter(Boolean) as Json[];
}
