import { COLUMN_TARGETS, type ColumnTarget } from '../../imports/mapping.ts';

type ViewState = { state: { values: Record<string, Record<string, { selected_option?: { value: string } | null }>> } };

/** The mapping modal's column choices: block col_<n> → the target picked for column n. */
export function columnChoices(view: ViewState): Map<number, ColumnTarget> {
  const choices = new Map<number, ColumnTarget>();
  for (const [blockId, elements] of Object.entries(view.state.values)) {
    const column = /^col_(\d+)$/.exec(blockId)?.[1];
    const value = Object.values(elements)[0]?.selected_option?.value;
    const target = COLUMN_TARGETS.find((candidate) => candidate === value);
    if (column !== undefined && target) choices.set(Number(column), target);
  }
  return choices;
}
