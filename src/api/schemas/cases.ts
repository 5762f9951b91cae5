/**
 * Request and response schemas of the case routes (DESIGN.md §4). Unknown fields are rejected.
 */
import { z } from 'zod';
import { CASE_STATUSES } from '../../domain/case-model';
import { MAX_NOTE_LENGTH } from '../../domain/case-rules';
import { MIN_PARTIES, PARTY_ROLES } from '../../domain/mediation-model';
import { LOCALES } from '../../domain/vocabulary';
import { normalizePhone } from '../phone';
import { actorSchema, freeText, isoInstant, levelParam, nameText, priorityParam, unitIdParam } from './common';
import { liveStateSchema } from './live-state';

export const MAX_DESCRIPTION_LENGTH = 4000;

/** A resident's phone, normalised to E.164. */
export const phoneSchema = z
  .string()
  .max(32)
  .transform((value, ctx) => {
    const e164 = normalizePhone(value);
    if (!e164) ctx.addIssue({ code: 'custom', message: 'field.phone' });
    return e164 ?? value;
  })
  .meta({ description: 'Normalised to E.164; shown masked to staff who need not call', example: '13812345678' });

export const reporterSchema = z
  .strictObject({
    name: nameText(100).optional(),
    phone: phoneSchema.optional(),
    email: z.email().max(254).optional(),
  })
  .meta({ id: 'Reporter', description: 'The resident who reported the case; personal data.' });

/** A party to a dispute (applicant, respondent, third party). */
export const partySchema = z
  .strictObject({
    name: nameText(100).min(1, 'field.notEmpty'),
    role: z.enum(PARTY_ROLES),
    phone: phoneSchema.optional(),
    email: z.email().max(254).optional().meta({ description: 'Where mediation reminders go' }),
    locale: z.enum(LOCALES).optional(),
  })
  .meta({ id: 'DisputeParty' });

export const partiesSchema = z.array(partySchema).min(MIN_PARTIES, 'field.partiesNeeded').max(20);

export const submitCaseSchema = z
  .strictObject({
    category: z.string().min(1).max(64).meta({ description: 'Category id from GET /api/v1/categories', example: 'road_repair' }),
    priority: priorityParam.optional().meta({ description: "Defaults to the category's default priority" }),
    title: freeText(200).optional(),
    description: freeText(MAX_DESCRIPTION_LENGTH).min(1, 'field.notEmpty'),
    gridId: unitIdParam.optional().meta({ description: 'The grid, when the caller knows it' }),
    location: z
      .strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
      .optional()
      .meta({ description: 'WGS-84 position; routed to the grid whose bounds contain it' }),
    address: freeText(300).optional().meta({ description: 'Routed by the address fragments in config', example: '三堂村一组' }),
    reporter: reporterSchema.optional(),
    lang: z.enum(LOCALES).optional().meta({ description: "Resident's language for e-mails (else Accept-Language)" }),
    parties: partiesSchema.optional().meta({ description: 'For a dispute category: the parties; the case goes to mediation at once' }),
  })
  .meta({ id: 'SubmitCase' });
export type SubmitCaseBody = z.infer<typeof submitCaseSchema>;

export const caseSubmittedSchema = z
  .object({
    id: z.string(),
    status: z.enum(CASE_STATUSES),
    level: levelParam,
    unitId: z.string(),
    assigneeId: z.string(),
    dueAt: isoInstant,
    caseToken: z.string().meta({ description: "The resident's token for reading this case (X-Case-Token)" }),
  })
  .meta({ id: 'CaseSubmitted' });

const note = freeText(MAX_NOTE_LENGTH);
const requiredNote = note.min(1, 'field.notEmpty');

/** `POST /cases/:id/actions` bodies, one shape per action type. */
export const caseActionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('acknowledge'), note: note.optional() }),
    z.strictObject({ type: z.literal('start'), note: note.optional() }),
    z.strictObject({ type: z.literal('note'), note: requiredNote }),
    z.strictObject({ type: z.literal('request_info'), note: requiredNote }),
    z.strictObject({ type: z.literal('info_provided'), note: note.optional() }),
    z.strictObject({ type: z.literal('resolve'), note: requiredNote }),
    z.strictObject({ type: z.literal('escalate'), reason: requiredNote }),
    z.strictObject({ type: z.literal('reassign'), assigneeId: unitIdParam, reason: note.optional() }),
    z.strictObject({ type: z.literal('move_deadline'), dueAt: isoInstant, reason: requiredNote }),
    z.strictObject({ type: z.literal('cancel'), reason: note.optional() }),
    z.strictObject({ type: z.literal('start_mediation'), parties: partiesSchema, note: note.optional() }),
  ])
  .meta({ id: 'CaseAction' });

export const feedbackSchema = z
  .strictObject({
    satisfied: z.boolean(),
    rating: z.number().int().min(1).max(5).optional(),
    comment: note.optional(),
  })
  .meta({ id: 'CaseFeedback' });

export const caseListQuerySchema = z.strictObject({
  unit: unitIdParam.optional(),
  status: z.enum(CASE_STATUSES).optional(),
  level: levelParam.optional(),
  overdue: z.enum(['true', 'false']).optional(),
  assignee: unitIdParam.optional(),
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
});

export const timelineEntrySchema = z
  .object({
    seq: z.number().int(),
    at: isoInstant,
    type: z.string(),
    actor: actorSchema,
    level: levelParam,
    unitId: z.string(),
    assigneeId: z.string(),
    note: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'TimelineEntry' });

export const caseViewSchema = z
  .object({
    id: z.string(),
    status: z.enum(CASE_STATUSES),
    category: z.string(),
    priority: priorityParam,
    title: z.string().optional(),
    description: z.string(),
    address: z.string().optional(),
    reporter: reporterSchema.optional(),
    submittedAt: isoInstant,
    level: levelParam,
    unitId: z.string(),
    gridId: z.string(),
    assigneeId: z.string(),
    dueAt: isoInstant.optional(),
    /** Present (true) when the deadline falls after the last date the city's holiday calendar knows: it was computed on the weekday rule. */
    dueBeyondCalendar: z.literal(true).optional(),
    overdue: z.boolean(),
    escalations: z.number().int(),
    reopens: z.number().int(),
    resolvedAt: isoInstant.optional(),
    confirmBy: isoInstant.optional(),
    closedAt: isoInstant.optional(),
    rating: z.number().int().optional(),
    timeline: z.array(timelineEntrySchema),
    liveState: liveStateSchema.optional(),
  })
  .meta({ id: 'Case' });
