type ViewState = { state: { values: Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>> } };

/** The text typed into the input block `blockId` ('' when empty). */
export function inputValue(view: ViewState, blockId: string): string {
  const element = Object.values(view.state.values[blockId] ?? {})[0];
  return element?.value ?? '';
}

/** The value of the option selected in the input block `blockId`, if any. */
export function selectedValue(view: ViewState, blockId: string): string | undefined {
  const element = Object.values(view.state.values[blockId] ?? {})[0];
  return element?.selected_option?.value ?? undefined;
}
