import { z } from 'zod';

/**
 * campaigns.segment: who of the campaign's lists receives it. Every condition given must
 * hold: the contact has all `tags`, its custom field `field.key` equals `field.value`, and
 * it opened or clicked within `engagedWithinDays`. `{}` means everyone on the lists.
 */
export const Segment = z
  .object({
    tags: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
    field: z.object({ key: z.string().trim().min(1).max(100), value: z.string().max(1000) }).strict().optional(),
    engagedWithinDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type Segment = z.infer<typeof Segment>;

/** The segment, or a sentence saying what is wrong with it. */
export function parseSegment(value: unknown): { segment: Segment } | { error: string } {
  const parsed = Segment.safeParse(value ?? {});
  if (parsed.success) return { segment: parsed.data };
  const issue = parsed.error.issues[0];
  return { error: `The audience filter is invalid (${issue?.path.join('.') || 'segment'}: ${issue?.message ?? 'unknown problem'}).` };
}
