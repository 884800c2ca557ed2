type ElementState = {
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: ReadonlyArray<{ value: string }> | null;
  selected_date?: string | null;
  selected_time?: string | null;
};
type ViewState = { state: { values: Record<string, Record<string, ElementState>> } };

function elementOf(view: ViewState, blockId: string): ElementState | undefined {
  return Object.values(view.state.values[blockId] ?? {})[0];
}

/** The text typed into the input block `blockId` ('' when empty). */
export function inputValue(view: ViewState, blockId: string): string {
  return elementOf(view, blockId)?.value ?? '';
}

/** The text typed into the input block `blockId`, or undefined when the view has no such input. */
export function offeredInputValue(view: ViewState, blockId: string): string | undefined {
  return blockId in view.state.values ? inputValue(view, blockId) : undefined;
}

/** The value of the option selected in the input block `blockId`, if any. */
export function selectedValue(view: ViewState, blockId: string): string | undefined {
  return elementOf(view, blockId)?.selected_option?.value ?? undefined;
}

/** The values of the options selected in a multi-select input block (empty when none). */
export function selectedValues(view: ViewState, blockId: string): string[] {
  return (elementOf(view, blockId)?.selected_options ?? []).map((option) => option.value);
}

/** A datepicker's YYYY-MM-DD or a timepicker's HH:mm ('' when not picked). */
export function pickedValue(view: ViewState, blockId: string): string {
  const element = elementOf(view, blockId);
  return element?.selected_date ?? element?.selected_time ?? '';
}
