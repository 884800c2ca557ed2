import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const SandboxFile = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  mimetype: z.string(),
  filetype: z.string(),
  size: z.number(),
  uploaded: z.boolean(),
  uploader_id: z.string(),
  created_at: z.date(),
});
export type SandboxFile = z.infer<typeof SandboxFile>;

const COLUMNS = sql.fragment`id, name, title, mimetype, filetype, size, content IS NOT NULL AS uploaded, uploader_id, created_at`;

export type NewFile = { id: string; name: string; title?: string | null; mimetype: string; filetype: string; size: number; uploaderId: string };

/** Registers a file; its bytes come with it (the page's file drop) or later at its upload URL. */
export async function insertFile(db: CommonQueryMethods, file: NewFile, content: Buffer | null = null): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO sandbox_files (id, name, title, mimetype, filetype, size, content, uploader_id)
    VALUES (${file.id}, ${file.name}, ${file.title ?? null}, ${file.mimetype}, ${file.filetype}, ${file.size},
            ${content === null ? null : sql.binary(content)}, ${file.uploaderId})`);
}

/** Stores the bytes sent to a file's upload URL, once; false for an unknown or already uploaded file. */
export async function storeUpload(db: CommonQueryMethods, id: string, content: Buffer): Promise<boolean> {
  const stored = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE sandbox_files SET content = ${sql.binary(content)}, size = ${content.length}
     WHERE id = ${id} AND content IS NULL
    RETURNING id`);
  return stored !== null;
}

export async function setFileTitle(db: CommonQueryMethods, id: string, title: string): Promise<void> {
  await db.query(sql.unsafe`UPDATE sandbox_files SET title = ${title} WHERE id = ${id}`);
}

export async function findFile(db: CommonQueryMethods, id: string): Promise<SandboxFile | null> {
  return db.maybeOne(sql.type(SandboxFile)`SELECT ${COLUMNS} FROM sandbox_files WHERE id = ${id}`);
}

export async function findFiles(db: CommonQueryMethods, ids: readonly string[]): Promise<readonly SandboxFile[]> {
  if (ids.length === 0) return [];
  return db.any(sql.type(SandboxFile)`
    SELECT ${COLUMNS} FROM sandbox_files WHERE id = ANY(${sql.array([...ids], 'text')})`);
}

/** The conversations a file is shared in (messages everyone there sees), as files.info lists them. */
export async function fileShares(db: CommonQueryMethods, id: string): Promise<{ channels: string[]; ims: string[] }> {
  const shares = await db.any(sql.type(z.object({ channel_id: z.string(), is_im: z.boolean() }))`
    SELECT DISTINCT m.channel_id, c.im_member IS NOT NULL AS is_im
      FROM sandbox_messages m JOIN sandbox_channels c ON c.id = m.channel_id
     WHERE ${id} = ANY (m.file_ids) AND m.visible_to IS NULL
     ORDER BY m.channel_id`);
  return {
    channels: shares.filter((share) => !share.is_im).map((share) => share.channel_id),
    ims: shares.filter((share) => share.is_im).map((share) => share.channel_id),
  };
}

export async function fileContent(db: CommonQueryMethods, id: string): Promise<Buffer | null> {
  return db.maybeOneFirst(sql.type(z.object({ content: z.instanceof(Buffer) }))`
    SELECT content FROM sandbox_files WHERE id = ${id} AND content IS NOT NULL`);
}
