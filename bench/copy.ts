/** What the baselines use to COPY rows: PostgreSQL's text format, streamed 1,000 lines at a time. */

export { copyLine, copyRows } from '../src/db/copy.ts';

/** A text[] literal. */
export const arrayLiteral = (items: readonly string[]) => `{${items.map((item) => `"${item.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
