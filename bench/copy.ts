/** What the baselines use to COPY rows: PostgreSQL's text format, streamed 1,000 lines at a time. */

export { arrayLiteral, copyLine, copyRows } from '../src/db/copy.ts';
