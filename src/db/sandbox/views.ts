import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const SandboxView = z.object({
  id: z.string(),
  member_id: z.string(),
  kind: z.enum(['modal', 'home']),
  view: z.record(z.string(), z.unknown()),
  hash: z.string(),
  external_id: z.string().nullable(),
  root_view_id: z.string(),
  previous_view_id: z.string().nullable(),
  depth: z.number().nullable(),
});
export type SandboxView = z.infer<typeof SandboxView>;

const COLUMNS = sql.fragment`id, member_id, kind, view, hash, external_id, root_view_id, previous_view_id, depth`;

export type StoredView = { id: string; view: object; hash: string; externalId: string | null };

export async function findView(db: CommonQueryMethods, id: string): Promise<SandboxView | null> {
  return db.maybeOne(sql.type(SandboxView)`SELECT ${COLUMNS} FROM sandbox_views WHERE id = ${id}`);
}

export async function findViewByExternalId(db: CommonQueryMethods, externalId: string): Promise<SandboxView | null> {
  return db.maybeOne(sql.type(SandboxView)`SELECT ${COLUMNS} FROM sandbox_views WHERE external_id = ${externalId}`);
}

/** The member's open modals, bottom of the stack first. */
export async function modalStack(db: CommonQueryMethods, memberId: string): Promise<readonly SandboxView[]> {
  return db.any(sql.type(SandboxView)`
    SELECT ${COLUMNS} FROM sandbox_views WHERE member_id = ${memberId} AND depth IS NOT NULL ORDER BY depth`);
}

/** Opens a modal as the only one on the member's stack (views.open replaces whatever was open). */
export async function openModal(db: CommonQueryMethods, memberId: string, stored: StoredView): Promise<SandboxView> {
  await closeModals(db, memberId, 1);
  return db.one(sql.type(SandboxView)`
    INSERT INTO sandbox_views (id, member_id, kind, view, hash, external_id, root_view_id, depth)
    VALUES (${stored.id}, ${memberId}, 'modal', ${sql.jsonb(stored.view as never)}, ${stored.hash}, ${stored.externalId},
            ${stored.id}, 1)
    RETURNING ${COLUMNS}`);
}

/** Pushes a modal on top of the open one; null when nothing is open or the stack holds 3 already. */
export async function pushModal(db: CommonQueryMethods, memberId: string, stored: StoredView): Promise<SandboxView | null> {
  return db.maybeOne(sql.type(SandboxView)`
    INSERT INTO sandbox_views (id, member_id, kind, view, hash, external_id, root_view_id, previous_view_id, depth)
    SELECT ${stored.id}, ${memberId}, 'modal', ${sql.jsonb(stored.view as never)}, ${stored.hash}, ${stored.externalId},
           top.root_view_id, top.id, top.depth + 1
      FROM sandbox_views top
     WHERE top.member_id = ${memberId} AND top.depth IS NOT NULL AND top.depth < 3
     ORDER BY top.depth DESC LIMIT 1
    RETURNING ${COLUMNS}`);
}

/**
 * Replaces a view's content (views.update, response_action update). With a hash, only
 * when the view still has it — Slack's guard against two updates racing.
 */
export async function replaceView(
  db: CommonQueryMethods,
  id: string,
  content: { view: object; hash: string; expectedHash?: string },
): Promise<SandboxView | null> {
  return db.maybeOne(sql.type(SandboxView)`
    UPDATE sandbox_views SET view = ${sql.jsonb(content.view as never)}, hash = ${content.hash}, updated_at = now()
     WHERE id = ${id} AND (${content.expectedHash ?? null}::text IS NULL OR hash = ${content.expectedHash ?? null})
    RETURNING ${COLUMNS}`);
}

/** Closes the member's modals from `fromDepth` up (1 = all, the top one's depth = just that one). */
export async function closeModals(db: CommonQueryMethods, memberId: string, fromDepth: number): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE sandbox_views SET depth = NULL, updated_at = now()
     WHERE member_id = ${memberId} AND depth >= ${fromDepth}`);
}

/** Sets the member's Home tab (views.publish); with a hash only when it still has it. */
export async function publishHome(
  db: CommonQueryMethods,
  memberId: string,
  content: { id: string; view: object; hash: string; expectedHash?: string },
): Promise<SandboxView | null> {
  return db.maybeOne(sql.type(SandboxView)`
    INSERT INTO sandbox_views AS v (id, member_id, kind, view, hash, root_view_id)
    VALUES (${content.id}, ${memberId}, 'home', ${sql.jsonb(content.view as never)}, ${content.hash}, ${content.id})
    ON CONFLICT (member_id) WHERE kind = 'home' DO UPDATE
       SET view = EXCLUDED.view, hash = EXCLUDED.hash, updated_at = now()
     WHERE ${content.expectedHash ?? null}::text IS NULL OR v.hash = ${content.expectedHash ?? null}
    RETURNING ${COLUMNS}`);
}

export async function homeView(db: CommonQueryMethods, memberId: string): Promise<SandboxView | null> {
  return db.maybeOne(sql.type(SandboxView)`
    SELECT ${COLUMNS} FROM sandbox_views WHERE member_id = ${memberId} AND kind = 'home'`);
}
