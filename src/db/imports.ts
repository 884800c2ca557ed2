import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const IMPORT_STATUSES = ['previewed', 'running', 'completed', 'failed', 'undone', 'discarded'] as const;

const Import = z.object({
  id: z.bigint(),
  list_id: z.bigint(),
  status: z.enum(IMPORT_STATUSES),
  file_id: z.string().nullable(),
  filename: z.string().nullable(),
  file_sha256: z.string().nullable(),
  created_by: z.string(),
  mapping: z.unknown(),
  errors: z.unknown(),
  total_rows: z.number(),
  new_count: z.number(),
  updated_count: z.number(),
  invalid_count: z.number(),
  duplicate_count: z.number(),
  suppressed_count: z.number(),
  error_message: z.string().nullable(),
  created_at: z.date(),
  finished_at: z.date().nullable(),
});
export type ImportRecord = z.infer<typeof Import>;

const COLUMNS = sql.fragment`id, list_id, status, file_id, filename, file_sha256, created_by, mapping, errors, total_rows, new_count,
  updated_count, invalid_count, duplicate_count, suppressed_count, error_message, created_at, finished_at`;

export type PreviewCounts = {
  totalRows: number;
  newCount: number;
  updatedCount: number;
  invalidCount: number;
  duplicateCount: number;
  suppressedCount: number;
};

export async function insertImport(
  db: CommonQueryMethods,
  input: { userId: string; listId: bigint; createdBy: string; fileId: string | null; filename: string | null; sha256: string; mapping: unknown },
): Promise<bigint> {
  return db.oneFirst(sql.type(z.object({ id: z.bigint() }))`
    INSERT INTO imports (user_id, list_id, created_by, file_id, filename, file_sha256, mapping)
    VALUES (${input.userId}, ${input.listId}, ${input.createdBy}, ${input.fileId}, ${input.filename}, ${input.sha256},
            ${sql.jsonb(input.mapping as never)})
    RETURNING id`);
}

/** Stores a dry run: the mapping, its counts and the first rejected rows. */
export async function recordPreview(
  db: CommonQueryMethods,
  userId: string,
  importId: bigint,
  preview: { mapping: unknown; counts: PreviewCounts; rejected: unknown[] },
): Promise<void> {
  const { mapping, counts } = preview;
  await db.query(sql.unsafe`
    UPDATE imports SET mapping = ${sql.jsonb(mapping as never)}, errors = ${sql.jsonb(preview.rejected as never)}, total_rows = ${counts.totalRows}, new_count = ${counts.newCount},
           updated_count = ${counts.updatedCount}, invalid_count = ${counts.invalidCount},
           duplicate_count = ${counts.duplicateCount}, suppressed_count = ${counts.suppressedCount}
     WHERE user_id = ${userId} AND id = ${importId} AND status = 'previewed'`);
}

export async function findImport(db: CommonQueryMethods, userId: string, importId: bigint): Promise<ImportRecord | null> {
  return db.maybeOne(sql.type(Import)`SELECT ${COLUMNS} FROM imports WHERE user_id = ${userId} AND id = ${importId}`);
}

export async function recentImports(db: CommonQueryMethods, userId: string, limit: number): Promise<readonly ImportRecord[]> {
  return db.any(sql.type(Import)`
    SELECT ${COLUMNS} FROM imports WHERE user_id = ${userId} AND status <> 'previewed' AND status <> 'discarded'
     ORDER BY id DESC LIMIT ${limit}`);
}

/** An import left 'running' by a crashed process would block the account forever; after an hour it is failed. */
export async function failAbandonedImports(db: CommonQueryMethods, userId: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE imports SET status = 'failed', finished_at = now(), error_message = 'interrupted'
     WHERE user_id = ${userId} AND status = 'running' AND started_at < now() - interval '1 hour'`);
}

/**
 * previewed → running. The unique index imports_one_running turns a second concurrent
 * import of the account into a UniqueIntegrityConstraintViolationError. Null when the
 * import is no longer a preview (already confirmed, failed, or of another account).
 */
export async function claimImport(db: CommonQueryMethods, userId: string, importId: bigint): Promise<bigint | null> {
  return db.maybeOneFirst(sql.type(z.object({ id: z.bigint() }))`
    UPDATE imports SET status = 'running', started_at = now()
     WHERE user_id = ${userId} AND id = ${importId} AND status = 'previewed' RETURNING id`);
}

export async function failImport(db: CommonQueryMethods, userId: string, importId: bigint, message: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE imports SET status = 'failed', finished_at = now(), error_message = ${message}
     WHERE user_id = ${userId} AND id = ${importId} AND status = 'running'`);
}

/** Locks a completed import for undo; null when it is not (any more) completed. */
export async function lockCompletedImport(db: CommonQueryMethods, userId: string, importId: bigint): Promise<ImportRecord | null> {
  return db.maybeOne(sql.type(Import)`
    SELECT ${COLUMNS} FROM imports WHERE user_id = ${userId} AND id = ${importId} AND status = 'completed' FOR UPDATE`);
}

/** Campaign recipients among the contacts an import created: undo must not delete anyone a campaign has reached. */
export async function campaignRecipientsOfImport(db: CommonQueryMethods, userId: string, importId: bigint): Promise<number> {
  return db.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM campaign_recipients r
      JOIN contacts c ON c.user_id = r.user_id AND c.id = r.contact_id
     WHERE c.user_id = ${userId} AND c.import_id = ${importId}`);
}

/** Puts back names, fields and tags of contacts the import updated. */
export async function restoreUpdatedContacts(db: CommonQueryMethods, userId: string, importId: bigint): Promise<number> {
  const restored = await db.query(sql.unsafe`
    UPDATE contacts c SET first_name = p.previous->>'first_name', last_name = p.previous->>'last_name',
           custom_fields = p.previous->'custom_fields',
           tags = ARRAY(SELECT jsonb_array_elements_text(p.previous->'tags'))
      FROM import_contact_changes p
     WHERE p.user_id = ${userId} AND p.import_id = ${importId} AND c.user_id = p.user_id AND c.id = p.contact_id`);
  return restored.rowCount;
}

export async function deleteImportedMemberships(db: CommonQueryMethods, userId: string, importId: bigint): Promise<number> {
  const removed = await db.query(sql.unsafe`DELETE FROM list_contacts WHERE user_id = ${userId} AND import_id = ${importId}`);
  return removed.rowCount;
}

/**
 * Why undo keeps a contact the import created, in order: it unsubscribed, bounced or
 * complained (deleting it would forget that, and a new import would subscribe it again);
 * it was put on another list since; or it was edited since (updated_at moves with every
 * change a statement makes, not with the stats trigger's).
 */
const KEPT_BECAUSE = {
  suppressed: sql.fragment`c.status <> 'subscribed'`,
  onOtherLists: (listId: bigint) => sql.fragment`EXISTS (
    SELECT 1 FROM list_contacts lc WHERE lc.user_id = c.user_id AND lc.contact_id = c.id AND lc.list_id <> ${listId})`,
  editedSince: sql.fragment`c.updated_at > c.created_at`,
};

/**
 * Contacts the import created that nothing has touched since are deleted for real, their
 * memberships with them: they did not exist before it.
 */
export async function deleteUntouchedImportedContacts(db: CommonQueryMethods, userId: string, record: Pick<ImportRecord, 'id' | 'list_id'>): Promise<number> {
  const removed = await db.query(sql.unsafe`
    DELETE FROM contacts c
     WHERE c.user_id = ${userId} AND c.import_id = ${record.id}
       AND NOT (${KEPT_BECAUSE.suppressed} OR ${KEPT_BECAUSE.onOtherLists(record.list_id)} OR ${KEPT_BECAUSE.editedSince})`);
  return removed.rowCount;
}

const Kept = z.object({ kept: z.number(), suppressed: z.number(), on_other_lists: z.number() });
export type KeptContacts = { suppressed: number; onOtherLists: number; editedSince: number };

/**
 * Takes the contacts the import created that are still there (deleteUntouchedImportedContacts
 * kept them) off the import's list, and counts them by the first reason they were kept for.
 */
export async function unlistKeptImportedContacts(db: CommonQueryMethods, userId: string, record: Pick<ImportRecord, 'id' | 'list_id'>): Promise<KeptContacts> {
  await db.query(sql.unsafe`
    DELETE FROM list_contacts lc USING contacts c
     WHERE c.user_id = ${userId} AND c.import_id = ${record.id}
       AND lc.user_id = c.user_id AND lc.contact_id = c.id AND lc.list_id = ${record.list_id}`);
  const kept = await db.one(sql.type(Kept)`
    SELECT count(*)::int AS kept,
           count(*) FILTER (WHERE ${KEPT_BECAUSE.suppressed})::int AS suppressed,
           count(*) FILTER (WHERE NOT ${KEPT_BECAUSE.suppressed} AND ${KEPT_BECAUSE.onOtherLists(record.list_id)})::int AS on_other_lists
      FROM contacts c WHERE c.user_id = ${userId} AND c.import_id = ${record.id}`);
  // the rest were kept because they were edited since
  return { suppressed: kept.suppressed, onOtherLists: kept.on_other_lists, editedSince: kept.kept - kept.suppressed - kept.on_other_lists };
}

export async function markImportUndone(db: CommonQueryMethods, userId: string, importId: bigint): Promise<void> {
  await db.query(sql.unsafe`UPDATE imports SET status = 'undone' WHERE user_id = ${userId} AND id = ${importId} AND status = 'completed'`);
}
