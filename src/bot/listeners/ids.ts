import { UserError } from '../../errors.ts';

/** A database id carried in a button value; anything else is a forged or stale payload. */
export function idFrom(action: { value?: string } | { type: string }): bigint {
  const value = 'value' in action ? action.value : undefined;
  if (!value || !/^\d{1,18}$/.test(value)) throw new UserError('That button is no longer valid. Run the command again.');
  return BigInt(value);
}
