/**
 * Query and answer schemas of the report routes (`/reports/cases|mediations|obligations`).
 */
import { z } from 'zod';
import { REPORT_BUCKETS } from '../../records/report-period';
import { unitIdParam } from './common';

/** `?unit=&from=&to=&bucket=`: local days of the city, both included. */
export const reportQuerySchema = z
  .strictObject({
    unit: unitIdParam.optional().meta({ description: "Root of the subtree (default: the caller's unit)" }),
    from: z.iso.date().optional().meta({ description: "First day, in the city's time zone (default: the first of to's month)", example: '2026-03-01' }),
    to: z.iso.date().optional().meta({ description: "Last day, included (default: today in the city's time zone)", example: '2026-03-31' }),
    bucket: z.enum(REPORT_BUCKETS).optional().meta({ description: 'How byPeriod is cut (default month)' }),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, { message: 'field.notBeforeFrom', path: ['to'] });

export type ReportQuery = z.infer<typeof reportQuerySchema>;

const periodSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  fromUtc: z.string(),
  toUtc: z.string(),
  bucket: z.enum(REPORT_BUCKETS),
});

const caseMetrics = z.object({
  received: z.number().int(),
  resolved: z.number().int(),
  resolvedWithinDeadline: z.number().int(),
  resolvedWithinDeadlinePercent: z.number().nullable(),
  escalations: z.object({ community: z.number().int(), street: z.number().int(), district: z.number().int() }),
  medianHoursToResolve: z.number().nullable(),
  p90HoursToResolve: z.number().nullable(),
  reopened: z.number().int(),
  reopenRatePercent: z.number().nullable(),
  rated: z.number().int(),
  averageSatisfaction: z.number().nullable(),
  cancelled: z.number().int(),
  open: z.number().int(),
});
const keyed = <T extends z.ZodObject>(metrics: T) => z.array(metrics.extend({ key: z.string() }));

export const caseReportSchema = z
  .object({
    kind: z.literal('cases'),
    unitId: z.string(),
    period: periodSchema,
    totals: caseMetrics,
    byCategory: keyed(caseMetrics),
    byUnit: keyed(caseMetrics),
    byPeriod: keyed(caseMetrics),
  })
  .meta({ id: 'CaseReport' });

const mediationMetrics = z.object({
  started: z.number().int(),
  agreement: z.number().int(),
  agreementRatePercent: z.number().nullable(),
  fulfilled: z.number().int(),
  breached: z.number().int(),
  declined: z.number().int(),
  referred: z.number().int(),
  withdrawn: z.number().int(),
  open: z.number().int(),
  escalated: z.number().int(),
});

export const mediationReportSchema = z
  .object({
    kind: z.literal('mediations'),
    unitId: z.string(),
    period: periodSchema,
    totals: mediationMetrics,
    byCategory: keyed(mediationMetrics),
    byUnit: keyed(mediationMetrics),
    byPeriod: keyed(mediationMetrics),
  })
  .meta({ id: 'MediationReport' });

const complianceMetrics = z.object({
  periods: z.number().int(),
  met: z.number().int(),
  missed: z.number().int(),
  compliancePercent: z.number().nullable(),
  escalations: z.number().int(),
});

export const obligationReportSchema = z
  .object({
    kind: z.literal('obligations'),
    unitId: z.string(),
    period: periodSchema,
    totals: complianceMetrics,
    byUnit: keyed(complianceMetrics),
    byChildUnit: keyed(complianceMetrics),
    byPerson: keyed(complianceMetrics),
    byPeriod: keyed(complianceMetrics),
  })
  .meta({ id: 'ObligationReport' });
