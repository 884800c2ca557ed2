// Citus-readiness scanner: reads Herald's SQL as text (migrations and the queries in
// src/db) and reports what would stop the schema from being distributed by user_id
// (docs/scaling.md). Text, not the catalog, so that a migration is judged before anything
// runs it, and so that queries are covered too.

export type SqlSource = { file: string; text: string };
export type Finding = { file: string; table: string; problem: string };

/**
 * Tables that are not distributed by user_id, and why. users is the tenant itself,
 * distributed by its own id; the others become reference tables (or stay off the cluster).
 */
export const GLOBAL_TABLES: Readonly<Record<string, string>> = {
  slack_workspaces: 'looked up by Slack team before the account is known: a reference table',
  processed_events: 'idempotency keys of Slack events and webhooks, checked before the account is known: a reference table',
  pgmigrations: 'node-pg-migrate bookkeeping: a local table on the coordinator',
};
/** The local sandbox's tables: one stand-in Slack workspace, never deployed on a cluster. */
const GLOBAL_PREFIXES = ['sandbox_'];

/** The tenant table whose own id is the tenant key; every other tenant table has user_id. */
const TENANT_ROOT = { table: 'users', key: 'id' };

export function isGlobal(table: string): boolean {
  return table in GLOBAL_TABLES || GLOBAL_PREFIXES.some((prefix) => table.startsWith(prefix));
}

const tenantKey = (table: string) => (table === TENANT_ROOT.table ? TENANT_ROOT.key : 'user_id');

type ForeignKey = { columns: string[]; references: string; referencedColumns: string[] };
type Table = {
  file: string;
  columns: Set<string>;
  primaryKey: string[] | undefined;
  uniques: Array<{ name: string; columns: string }>;
  foreignKeys: Array<ForeignKey & { file: string }>;
};

const IDENT = String.raw`"?([A-Za-z_][\w$]*)"?`;
const QUALIFIED = String.raw`(?:"?[A-Za-z_][\w$]*"?\.)?${IDENT}`;

function stripComments(text: string): string {
  return text.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

/** The text inside the parenthesis that opens at `open`, and the index after its close. */
function parenthesized(text: string, open: number): { inner: string; end: number } {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')' && --depth === 0) return { inner: text.slice(open + 1, i), end: i + 1 };
  }
  return { inner: text.slice(open + 1), end: text.length };
}

function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')') depth -= 1;
    else if (text[i] === separator && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter(Boolean);
}

const columnList = (text: string) => text.split(',').map((c) => c.trim().replace(/"/g, '').toLowerCase());

function parseReferences(text: string): { references: string; referencedColumns: string[] } | undefined {
  const match = new RegExp(String.raw`REFERENCES\s+${QUALIFIED}\s*(?:\(([^)]*)\))?`, 'i').exec(text);
  if (!match) return undefined;
  return { references: match[1]!.toLowerCase(), referencedColumns: match[2] ? columnList(match[2]) : ['id'] };
}

/** Applies one element of CREATE TABLE (…) or of ALTER TABLE … ADD to a table: a column or a constraint. */
function applyElement(table: Table, element: string, file: string, tableName: string): void {
  const constraintName = /^CONSTRAINT\s+"?(\w+)/i.exec(element)?.[1];
  const constraint = element.replace(/^CONSTRAINT\s+\S+\s+/i, '');
  let match: RegExpExecArray | null;
  if ((match = /^PRIMARY\s+KEY\s*\(([^)]*)\)/i.exec(constraint))) {
    table.primaryKey = columnList(match[1]!);
  } else if ((match = /^UNIQUE\s*\(([^)]*)\)/i.exec(constraint))) {
    table.uniques.push({ name: constraintName ?? `${tableName} UNIQUE`, columns: match[1]! });
  } else if ((match = /^FOREIGN\s+KEY\s*\(([^)]*)\)/i.exec(constraint))) {
    const references = parseReferences(constraint);
    if (references) table.foreignKeys.push({ columns: columnList(match[1]!), ...references, file });
  } else if (!/^(CHECK|EXCLUDE|LIKE)\b/i.test(constraint)) {
    const column = new RegExp(`^${IDENT}`).exec(constraint)?.[1]?.toLowerCase();
    if (!column) return;
    table.columns.add(column);
    if (/\bPRIMARY\s+KEY\b/i.test(constraint)) table.primaryKey = [column];
    if (/\bUNIQUE\b/i.test(constraint)) table.uniques.push({ name: `${tableName}.${column} UNIQUE`, columns: column });
    const references = parseReferences(constraint);
    if (references) table.foreignKeys.push({ columns: [column], ...references, file });
  }
}

function parseSchema(sources: readonly SqlSource[]): Map<string, Table> {
  const tables = new Map<string, Table>();
  for (const { file, text: raw } of sources) {
    const text = stripComments(raw);
    const create = new RegExp(String.raw`CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${QUALIFIED}\s*\(`, 'gi');
    for (let match; (match = create.exec(text)); ) {
      const name = match[1]!.toLowerCase();
      const { inner } = parenthesized(text, match.index + match[0].length - 1);
      if (/^\s*LIKE\b/i.test(inner)) continue; // a partition built from its parent (same keys)
      const table: Table = { file, columns: new Set(), primaryKey: undefined, uniques: [], foreignKeys: [] };
      for (const element of splitTopLevel(inner)) applyElement(table, element, file, name);
      tables.set(name, table);
    }
    const alter = new RegExp(String.raw`ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${QUALIFIED}\s+([^;]*)`, 'gi');
    for (let match; (match = alter.exec(text)); ) {
      const table = tables.get(match[1]!.toLowerCase());
      if (!table) continue;
      for (const action of splitTopLevel(match[2]!)) {
        if (!/^ADD\b/i.test(action)) continue;
        applyElement(table, action.replace(/^ADD\s+(COLUMN\s+(IF\s+NOT\s+EXISTS\s+)?)?/i, ''), file, match[1]!);
      }
    }
    const index = new RegExp(String.raw`CREATE\s+UNIQUE\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?${IDENT}\s+ON\s+(?:ONLY\s+)?${QUALIFIED}\s*(?:USING\s+\w+\s*)?\(`, 'gi');
    for (let match; (match = index.exec(text)); ) {
      const table = tables.get(match[2]!.toLowerCase());
      const { inner } = parenthesized(text, match.index + match[0].length - 1);
      table?.uniques.push({ name: match[1]!, columns: inner });
    }
  }
  return tables;
}

const mentions = (text: string, column: string) => new RegExp(String.raw`\b${column}\b`, 'i').test(text);

function keyFindings(tables: Map<string, Table>): Finding[] {
  const findings: Finding[] = [];
  for (const [name, table] of tables) {
    const report = (problem: string, file = table.file) => findings.push({ file, table: name, problem });
    if (isGlobal(name)) {
      for (const fk of table.foreignKeys) {
        if (!isGlobal(fk.references)) report(`foreign key (${fk.columns.join(', ')}) → ${fk.references}: a global table references a tenant table`, fk.file);
      }
      continue;
    }
    const key = tenantKey(name);
    if (!table.columns.has(key)) report(`tenant table without a ${key} column`);
    if (!table.primaryKey?.includes(key)) report(`primary key (${table.primaryKey?.join(', ') ?? 'none'}) lacks ${key}`);
    for (const unique of table.uniques) {
      if (!mentions(unique.columns, key)) report(`unique ${unique.name} (${unique.columns.trim()}) lacks ${key}`);
    }
    for (const fk of table.foreignKeys) {
      if (isGlobal(fk.references)) continue;
      const at = fk.columns.indexOf(key);
      const target = tenantKey(fk.references);
      if (at === -1 || fk.referencedColumns[at] !== target) {
        report(`foreign key (${fk.columns.join(', ')}) → ${fk.references} (${fk.referencedColumns.join(', ')}) lacks ${key} = ${fk.references}.${target}`, fk.file);
      }
    }
  }
  return findings;
}

/** The ON or USING condition after a JOIN's table, up to the next clause of the statement. */
function joinCondition(text: string, from: number): string {
  const rest = text.slice(from);
  let depth = 0;
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === '(') depth += 1;
    else if (rest[i] === ')' && --depth < 0) return rest.slice(0, i);
    else if (rest[i] === ';' || rest[i] === '`') return rest.slice(0, i);
    else if (depth === 0 && /^\s(JOIN|WHERE|GROUP|ORDER|LIMIT|HAVING|WINDOW|UNION|RETURNING|FOR|LEFT|RIGHT|INNER|FULL|CROSS|SET|VALUES)\b/i.test(rest.slice(i, i + 12))) {
      return rest.slice(0, i);
    }
  }
  return rest;
}

/** Joins of a tenant table whose condition never mentions the tenant key: on Citus, a cross-shard join. */
function joinFindings(sources: readonly SqlSource[]): Finding[] {
  const findings: Finding[] = [];
  for (const { file, text: raw } of sources) {
    const text = stripComments(raw);
    const join = new RegExp(String.raw`\bJOIN\s+(?!LATERAL\b)${QUALIFIED}(?:\s+(?:AS\s+)?(?!ON\b|USING\b)${IDENT})?\s+(ON|USING)\b`, 'gi');
    for (let match; (match = join.exec(text)); ) {
      const table = match[1]!.toLowerCase();
      if (isGlobal(table) || table.startsWith('pg_') || !/^[a-z_]+$/.test(table)) continue;
      const condition = joinCondition(text, match.index + match[0].length);
      const key = tenantKey(table);
      if (!mentions(condition, 'user_id') && !mentions(condition, key)) {
        findings.push({ file, table, problem: `JOIN ${table} ${match[3]!.toUpperCase()} ${condition.replace(/\s+/g, ' ').trim().slice(0, 80)} does not join on user_id` });
      }
    }
  }
  return findings;
}

/** Everything in these sources that would break distributing the tenant tables by user_id. */
export function scanForCitus(sources: readonly SqlSource[]): Finding[] {
  const tables = parseSchema(sources);
  const tenantTables = new Set([...tables.keys()].filter((name) => !isGlobal(name)));
  const joins = joinFindings(sources).filter((finding) => tenantTables.has(finding.table));
  return [...keyFindings(tables), ...joins];
}
