/**
 * Request and answer schemas of the leaver's deactivation and hand-over (`/admin/staff/:staffId/deactivate`,
 * `/admin/hand-overs/:id`). Unknown fields are rejected.
 */
import { z } from 'zod';
import { HAND_OVER_KINDS, HAND_OVER_SKIP_REASONS, HAND_OVER_WAIT_REASONS } from '../../domain/hand-over';
import { actorSchema, freeText, unitIdParam } from './common';

/** A staff id: the same boring shape as every id that travels in URLs and workflow ids. */
export const staffIdParam = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'field.staffId');

export const handOverIdParam = z.string().regex(/^hand-over-[a-z0-9][a-z0-9_-]{0,63}$/, 'field.handOverId');

export const deactivateStaffSchema = z
  .strictObject({
    successorId: staffIdParam.optional().meta({ description: 'Who takes over the leaver’s open work and duty posts' }),
    returnToUnitId: unitIdParam.optional().meta({ description: 'Or: the unit whose duty officer takes it over' }),
    reason: freeText(500).optional().meta({ description: 'Why the staff member leaves, for the audit trail' }),
  })
  .superRefine((body, ctx) => {
    if (body.successorId !== undefined && body.returnToUnitId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['returnToUnitId'], message: 'field.directory.successorOrUnit' });
    } else if (body.successorId === undefined && body.returnToUnitId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['successorId'], message: 'field.directory.successorNeeded' });
    }
  })
  .meta({ id: 'DeactivateStaff', description: 'Exactly one of successorId and returnToUnitId' });

export type DeactivateStaffBody = z.infer<typeof deactivateStaffSchema>;

/** The answer to a deactivation: the hand-over started (or already running) and where to watch it. */
export const handOverAcceptedSchema = z
  .object({
    id: z.string().meta({ example: 'hand-over-sui-lei' }),
    leaverId: z.string(),
    /** True when a hand-over of this leaver was already running: this is that one. */
    alreadyRunning: z.boolean(),
  })
  .meta({ id: 'HandOverAccepted' });

const handOverItemSchema = z.object({
  kind: z.enum(HAND_OVER_KINDS),
  id: z.string(),
  status: z.enum(['pending', 'handed', 'skipped', 'waiting', 'failed']),
  to: z.string().optional().meta({ description: 'Who holds the item after the hand-over' }),
  reason: z
    .string()
    .optional()
    .meta({ description: `Skipped: ${HAND_OVER_SKIP_REASONS.join(', ')}; waiting: ${HAND_OVER_WAIT_REASONS.join(', ')}; failed: the last error` }),
  detail: z.string().optional().meta({ description: 'For refused: the refusal key of the item’s workflow' }),
  attempts: z.number().int(),
  at: z.string().optional(),
  retryAt: z.string().optional().meta({ description: 'When a waiting or failed item is tried again' }),
});

export const handOverProgressSchema = z
  .object({
    id: z.string(),
    leaverId: z.string(),
    requested: z.object({ successorId: z.string().optional(), returnToUnitId: z.string().optional() }),
    successorId: z.string().optional().meta({ description: 'Who takes the work: the successor, or the duty officer of returnToUnitId' }),
    requestedBy: actorSchema,
    reason: z.string().optional(),
    stage: z.enum(['deactivating', 'handing_over', 'waiting', 'completed', 'refused']),
    startedAt: z.string(),
    deactivatedAt: z.string().optional(),
    completedAt: z.string().optional(),
    directoryVersion: z.number().int().optional(),
    alreadyInactive: z.boolean().optional(),
    problems: z.array(z.object({ field: z.string(), key: z.string() })).optional(),
    items: z.array(handOverItemSchema),
    counts: z.object({ pending: z.number().int(), handed: z.number().int(), skipped: z.number().int(), waiting: z.number().int(), failed: z.number().int() }),
    runs: z.number().int(),
  })
  .meta({ id: 'HandOverProgress' });
