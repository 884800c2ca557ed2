import { z } from 'zod';

/** A Web API error as Slack reports it: `{ ok: false, error: code }`, with details in response_metadata. */
export class ApiError extends Error {
  readonly code: string;
  readonly details: readonly string[];

  constructor(code: string, details: readonly string[] = []) {
    super(code);
    this.code = code;
    this.details = details;
  }
}

/** Objects and arrays arrive as JSON strings in form-encoded calls (Bolt's WebClient) and as values in JSON calls. */
export function jsonArgument<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }, schema);
}

export const booleanArgument = z.preprocess((value) => value === true || value === 'true' || value === '1', z.boolean());

export const BlocksArgument = jsonArgument(z.array(z.record(z.string(), z.unknown())));
export const ViewArgument = jsonArgument(z.record(z.string(), z.unknown()));

/** Parses a method's arguments; anything missing or malformed is `invalid_arguments`, as in Slack. */
export function parseArguments<T extends z.ZodType>(schema: T, args: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    throw new ApiError(
      'invalid_arguments',
      parsed.error.issues.map((issue) => `[ERROR] ${issue.message} [json-pointer:/${issue.path.join('/')}]`),
    );
  }
  return parsed.data;
}
