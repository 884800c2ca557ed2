import type { SandboxContext } from '../context.ts';

/** Web API methods by name: arguments in, the fields of a successful answer out (ok: true is added). */
export type WebApiMethods = Record<string, (ctx: SandboxContext, args: Record<string, unknown>) => Promise<Record<string, unknown>>>;
