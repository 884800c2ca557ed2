import { plain, type Block } from './blocks.ts';

/** Slack's limit on a static select's options, and on the options an external select is answered with. */
export const MAX_OPTIONS = 100;

/** A list or template to pick. */
export type Choice = { id: bigint; name: string };

export const choiceOption = (choice: Choice) => ({ text: plain(choice.name, 75), value: String(choice.id) });

/** The answer to an external select's options request. */
export function choiceOptions(choices: readonly Choice[]): { options: Array<ReturnType<typeof choiceOption>> } {
  return { options: choices.slice(0, MAX_OPTIONS).map(choiceOption) };
}

export type ChoiceInput = {
  blockId: string;
  label: string;
  /** All of the account's choices. */
  choices: readonly Choice[];
  /** Ids (as strings) of the choices selected now. */
  selected: readonly string[];
  multi: boolean;
  /** Also the action_id the options listener answers for, once the choices do not fit a static select. */
  actionId: string;
  /** Shown in the search box of the external select. */
  searchPlaceholder: string;
  optional?: boolean;
};

function selectElement(input: ChoiceInput): Block {
  const byId = new Map(input.choices.map((choice) => [String(choice.id), choice]));
  const chosen = input.selected.map((id) => byId.get(id)).filter((choice) => choice !== undefined).map(choiceOption);
  const initial = input.multi ? (chosen.length ? { initial_options: chosen } : {}) : chosen[0] ? { initial_option: chosen[0] } : {};
  if (input.choices.length <= MAX_OPTIONS) {
    const type = input.multi ? 'multi_static_select' : 'static_select';
    return { type, action_id: input.actionId, options: input.choices.map(choiceOption), ...initial };
  }
  // too many for a static select: Slack asks the options listener for those matching what is typed,
  // from the first keystroke (min_query_length 0 lists the first ones when the menu opens)
  const type = input.multi ? 'multi_external_select' : 'external_select';
  return { type, action_id: input.actionId, min_query_length: 0, placeholder: plain(input.searchPlaceholder, 150), ...initial };
}

/** An input block selecting among an account's lists or templates, every one reachable and the current ones selected. */
export function choiceInput(input: ChoiceInput): Block {
  return {
    type: 'input',
    block_id: input.blockId,
    ...(input.optional ? { optional: true } : {}),
    label: plain(input.label),
    element: selectElement(input),
  };
}
