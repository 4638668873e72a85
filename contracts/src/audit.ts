import './zod-setup.js';
import * as z from 'zod';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from './limits.js';

/** What an operator did (the dashboard's or any client's), as the audit log records it. */
export const AUDIT_ACTIONS = ['create', 'delete', 'deleteDone', 'bulkDelete', 'bulkRerun', 'rerun', 'pause', 'resume'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Kept at most this long, and at most this many entries, whichever ends first. */
export const AUDIT_KEEP_DAYS = 90;
export const AUDIT_MAX_ENTRIES = 100_000;

const actionSchema = z.enum(AUDIT_ACTIONS, { error: `action must be one of ${AUDIT_ACTIONS.join(', ')}` });

/** GET /api/audit: newest first, a page at a time (`before`: the last id of the previous page). */
export const AuditQuerySchema = z.strictObject({
  action: actionSchema.optional(),
  before: z
    .string({ error: 'before must be a single entry id' })
    .regex(/^[0-9a-f]{24}$/, 'before must be an entry id (24 hex digits)')
    .optional(),
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(PAGE_LIMIT_MAX, `limit must be at most ${PAGE_LIMIT_MAX}`)
    .default(PAGE_LIMIT_DEFAULT),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditEntrySchema = z.object({
  id: z.string(),
  /** When the action was answered (ISO 8601, UTC). */
  at: z.iso.datetime(),
  action: actionSchema,
  /** The role it was done with; `token`: whether an operator token was shown (false: a server open to all). */
  role: z.literal('operator'),
  token: z.boolean(),
  /** The client's address (behind trusted proxies: the address they forwarded). */
  client: z.string(),
  /** The instance that answered (cluster mode), or `local`. */
  instance: z.string(),
  /** The stories it named (ids), or the filter it applied; `count`: how many it touched, when known. */
  target: z.object({
    ids: z.array(z.string()).optional(),
    filter: z.record(z.string(), z.string()).optional(),
    count: z.number().int().nonnegative().optional(),
  }),
  /** The HTTP status it was answered with. */
  status: z.number().int(),
});
export type AuditEntryDto = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = z.object({
  items: z.array(AuditEntrySchema),
  /** Pass as `before` for the next (older) page; null at the end. */
  next: z.string().nullable(),
});
export type AuditPageDto = z.infer<typeof AuditPageSchema>;
