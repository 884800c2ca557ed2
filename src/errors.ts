/**
 * An error the person acting can fix: its message is a human sentence shown to them as is
 * (an ephemeral message, or modal field errors when `fields` names the inputs at fault).
 * Every other error is a bug: logged with context, and the person gets a short apology.
 */
export class UserError extends Error {
  readonly fields: Readonly<Record<string, string>> | undefined;

  constructor(message: string, fields?: Record<string, string>) {
    super(message);
    this.name = 'UserError';
    this.fields = fields;
  }

  /** An error about one form field (the key is the modal input's block_id). */
  static field(field: string, message: string): UserError {
    return new UserError(message, { [field]: message });
  }
}
