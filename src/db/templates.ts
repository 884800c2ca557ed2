import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { nameFilter } from './names.ts';

const Template = z.object({
  id: z.bigint(),
  name: z.string(),
  subject: z.string(),
  html_content: z.string(),
  text_content: z.string().nullable(),
  merge_fields: z.array(z.string()),
  created_by: z.string().nullable(),
  updated_at: z.date(),
});
export type Template = z.infer<typeof Template>;

const COLUMNS = sql.fragment`id, name, subject, html_content, text_content, merge_fields, created_by, updated_at`;

export type TemplateContent = { name: string; subject: string; html: string; text: string | null; mergeFields: string[] };

export async function insertTemplate(db: CommonQueryMethods, userId: string, content: TemplateContent, createdBy: string): Promise<Template> {
  return db.one(sql.type(Template)`
    INSERT INTO templates (user_id, name, subject, html_content, text_content, merge_fields, created_by)
    VALUES (${userId}, ${content.name}, ${content.subject}, ${content.html}, ${content.text},
            ${sql.array(content.mergeFields, 'text')}, ${createdBy})
    RETURNING ${COLUMNS}`);
}

export async function updateTemplate(db: CommonQueryMethods, userId: string, templateId: bigint, content: TemplateContent): Promise<Template | null> {
  return db.maybeOne(sql.type(Template)`
    UPDATE templates SET name = ${content.name}, subject = ${content.subject}, html_content = ${content.html},
           text_content = ${content.text}, merge_fields = ${sql.array(content.mergeFields, 'text')}
     WHERE user_id = ${userId} AND id = ${templateId} AND deleted_at IS NULL
    RETURNING ${COLUMNS}`);
}

/** Live templates by name; with `nameContains`, those whose name contains it (any case). */
export async function liveTemplates(db: CommonQueryMethods, userId: string, nameContains?: string): Promise<readonly Template[]> {
  return db.any(sql.type(Template)`
    SELECT ${COLUMNS} FROM templates WHERE user_id = ${userId} AND deleted_at IS NULL ${nameFilter(nameContains)} ORDER BY lower(name)`);
}

export async function findTemplateByName(db: CommonQueryMethods, userId: string, name: string): Promise<Template | null> {
  return db.maybeOne(sql.type(Template)`
    SELECT ${COLUMNS} FROM templates WHERE user_id = ${userId} AND lower(name) = lower(${name}) AND deleted_at IS NULL`);
}

export async function findTemplate(db: CommonQueryMethods, userId: string, templateId: bigint): Promise<Template | null> {
  return db.maybeOne(sql.type(Template)`
    SELECT ${COLUMNS} FROM templates WHERE user_id = ${userId} AND id = ${templateId} AND deleted_at IS NULL`);
}

/** Soft delete: campaigns created from the template keep their reference. */
export async function softDeleteTemplate(db: CommonQueryMethods, userId: string, templateId: bigint): Promise<Template | null> {
  return db.maybeOne(sql.type(Template)`
    UPDATE templates SET deleted_at = now() WHERE user_id = ${userId} AND id = ${templateId} AND deleted_at IS NULL
    RETURNING ${COLUMNS}`);
}
