/**
 * Query schemas of the supervision routes.
 */
import { z } from 'zod';
import { unitIdParam } from './common';

export const overdueQuerySchema = z.strictObject({
  unit: unitIdParam.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
  escalated: z.enum(['true', 'false']).optional().meta({ description: 'Also list cases escalated above their grid that are not overdue yet' }),
});

export const summaryQuerySchema = z.strictObject({
  unit: unitIdParam.optional(),
  withinHours: z.coerce
    .number()
    .min(0.01)
    .max(24 * 14)
    .default(4)
    .meta({ description: 'Horizon of the "will breach" list' }),
});
