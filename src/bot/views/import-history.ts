import type { ImportRecord } from '../../db/imports.ts';
import { escapeMrkdwn, section, sectionsOf, type Block } from './blocks.ts';

export function importsMessage(imports: readonly ImportRecord[]): { text: string; blocks: Block[] } {
  if (imports.length === 0) {
    const text = 'No imports yet. Upload a CSV here and run `/herald import <list>`.';
    return { text, blocks: [section(text)] };
  }
  const lines = imports.map((record) =>
    `*${record.id}* · ${record.created_at.toISOString().slice(0, 10)} · ${escapeMrkdwn(record.filename ?? 'file')} · ${record.status}` +
      (record.status === 'completed' || record.status === 'undone'
        ? ` — ${record.new_count} new, ${record.updated_count} updated, ${record.invalid_count + record.duplicate_count + record.suppressed_count} rejected`
        : record.error_message ? ` — ${escapeMrkdwn(record.error_message)}` : ''),
  );
  return { text: `${imports.length} recent imports`, blocks: sectionsOf(['*Recent imports*', ...lines]) };
}
