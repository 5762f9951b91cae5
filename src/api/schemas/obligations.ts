/**
 * Request schemas of the obligation routes (DESIGN.md §4). Unknown fields are rejected.
 */
import { z } from 'zod';
import { obligationPeriodSchema } from '../../config/schema';
import { CONTACT_CHANNELS } from '../../domain/obligation-model';
import { freeText, isoInstant, unitIdParam } from './common';

export const createObligationSchema = z
  .strictObject({
    obligeeId: unitIdParam.meta({ description: 'Staff id of who must make the contacts' }),
    unitId: unitIdParam.meta({ description: 'The unit to contact' }),
    period: obligationPeriodSchema.meta({ example: 'P7D' }),
    times: z.number().int().min(1).max(100).default(1).meta({ description: 'Contacts required per period' }),
  })
  .meta({ id: 'CreateObligation' });

export const logContactSchema = z
  .strictObject({
    at: isoInstant.meta({ description: 'When the contact was made; in the open period, not in the future' }),
    channel: z.enum(CONTACT_CHANNELS),
    note: freeText(2000).optional(),
  })
  .meta({ id: 'LogContact' });

export const changeObligeeSchema = z.strictObject({ obligeeId: unitIdParam, reason: freeText(500).optional() }).meta({ id: 'ChangeObligee' });

export const obligationListQuerySchema = z.strictObject({
  unit: unitIdParam.optional(),
  status: z.enum(['met', 'pending', 'ended']).optional(),
  pageSize: z.coerce.number().int().min(1).max(2_000).default(500),
});

export const complianceQuerySchema = z.strictObject({ unit: unitIdParam.optional() });

export const obligationIdParam = z.string().regex(/^o-[a-z0-9_-]{3,200}$/, 'field.obligationId');
