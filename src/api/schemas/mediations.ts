/**
 * Request and response schemas of the mediation routes (DESIGN.md §4). Unknown fields are rejected.
 * The parties of a new mediation are the case routes' business (`start_mediation`, dispute intake).
 */
import { z } from 'zod';
import { MAX_NOTE_LENGTH } from '../../domain/case-rules';
import { MEDIATION_STAGES, PARTY_ROLES, REFERRAL_TARGETS, SESSION_OUTCOMES } from '../../domain/mediation-model';
import { actorSchema, freeText, isoInstant, levelParam, nameText, unitIdParam } from './common';
import { liveStateSchema } from './live-state';

/** Longest agreement text accepted: terms are a page or two, never a whole file. */
export const MAX_TERMS_LENGTH = 8000;

export const mediationIdParam = z
  .string()
  .regex(/^m-[a-z0-9][a-z0-9_-]{0,80}$/, 'field.mediationId')
  .meta({ example: 'm-abcdefgh23456789' });

const partyId = z.string().regex(/^p[1-9][0-9]{0,2}$/, 'field.partyId');
const note = freeText(MAX_NOTE_LENGTH);
const requiredNote = note.min(1, 'field.notEmpty');
const documentRef = freeText(100)
  .min(1, 'field.notEmpty')
  .meta({ description: 'Number of the document (调解笔录, 协议书, 告知书 ...)', example: '三堂调字〔2026〕第12号' });

const referralFields = {
  to: z.enum(REFERRAL_TARGETS),
  body: nameText(200).min(1, 'field.notEmpty').meta({ description: 'The court, arbitration commission or body by name', example: '大连市金州区人民法院' }),
  reason: requiredNote,
  documentRef: documentRef.optional(),
};

/** `POST /mediations/:id/actions` bodies, one shape per step. */
export const mediationActionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('consent'),
      partyId,
      given: z.boolean(),
      note: note.optional(),
      referralNote: note.optional().meta({ description: 'On a refusal: what the parties were told about other remedies' }),
    }),
    z.strictObject({
      type: z.literal('assign_mediator'),
      mediatorId: unitIdParam.meta({ description: 'Staff id of a mediator of the committee holding the dispute' }),
      note: note.optional(),
    }),
    z.strictObject({ type: z.literal('schedule_session'), at: isoInstant, place: freeText(200).min(1, 'field.notEmpty'), note: note.optional() }),
    z
      .strictObject({
        type: z.literal('record_outcome'),
        outcome: z.enum(SESSION_OUTCOMES),
        note: note.optional(),
        documentRef: documentRef.optional().meta({ description: 'The session record (调解笔录)' }),
        agreement: z
          .strictObject({ terms: freeText(MAX_TERMS_LENGTH).min(1, 'field.notEmpty'), performanceDeadline: isoInstant, documentRef })
          .optional()
          .meta({ description: 'Required with outcome `agreement`, and only then' }),
      })
      .refine((body) => (body.outcome === 'agreement') === (body.agreement !== undefined), {
        path: ['agreement'],
        message: 'field.agreementWithOutcome',
      }),
    z.strictObject({ type: z.literal('sign'), partyId, note: note.optional() }),
    z.strictObject({ type: z.literal('extend'), reason: requiredNote }),
    z.strictObject({ type: z.literal('escalate'), reason: requiredNote }),
    z.strictObject({ type: z.literal('refer'), ...referralFields }),
    z
      .strictObject({
        type: z.literal('follow_up'),
        honoured: z.boolean(),
        next: z.enum(['reopen', 'refer']).optional().meta({ description: 'After a breach: mediate again or refer' }),
        referral: z.strictObject(referralFields).optional(),
        note: note.optional(),
        documentRef: documentRef.optional(),
      })
      .refine((body) => (body.honoured ? body.next === undefined : body.next !== undefined), { path: ['next'], message: 'field.breachNext' })
      .refine((body) => (body.next === 'refer') === (body.referral !== undefined), { path: ['referral'], message: 'field.referralWithRefer' }),
    z.strictObject({ type: z.literal('judicial_confirmation'), documentRef, note: note.optional() }),
    z.strictObject({ type: z.literal('withdraw'), partyId, reason: note.optional() }),
    z.strictObject({ type: z.literal('note'), note: requiredNote }),
  ])
  .meta({ id: 'MediationAction' });
export type MediationActionBody = z.infer<typeof mediationActionSchema>;

const stepSchema = z.object({
  seq: z.number().int(),
  at: isoInstant,
  type: z.string(),
  actor: actorSchema,
  level: levelParam,
  unitId: z.string(),
  note: z.string().optional(),
  documentRef: z.string().optional(),
});

/** The answer of `GET /mediations/:id` and of every action (documentation; answers are not re-validated). */
export const mediationViewSchema = z
  .object({
    id: z.string(),
    caseId: z.string(),
    stage: z.enum(MEDIATION_STAGES),
    category: z.string(),
    level: levelParam,
    unitId: z.string(),
    mediatorId: z.string().optional(),
    units: z.array(z.string()).meta({ description: 'The committees it may escalate to, community first' }),
    parties: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        role: z.enum(PARTY_ROLES),
        phone: z.string().optional().meta({ description: 'Masked except for the mediator and supervisors' }),
        email: z.string().optional(),
        consent: z.object({ given: z.boolean(), at: isoInstant, note: z.string().optional() }).optional(),
      }),
    ),
    startedAt: isoInstant,
    dueAt: isoInstant.optional(),
    overdue: z.boolean(),
    escalations: z.number().int(),
    reopens: z.number().int(),
    round: z
      .object({ startedAt: isoInstant, endsBy: isoInstant, extended: z.boolean(), sessionsHeld: z.number().int(), sessionLimit: z.number().int() })
      .optional(),
    sessions: z.array(
      z.object({
        no: z.number().int(),
        at: isoInstant,
        place: z.string(),
        mediatorId: z.string(),
        outcome: z.string().optional(),
        documentRef: z.string().optional(),
      }),
    ),
    agreement: z
      .object({
        terms: z.string(),
        performanceDeadline: isoInstant,
        documentRef: z.string(),
        signatures: z.array(z.object({ partyId: z.string(), at: isoInstant })),
        signedAt: isoInstant.optional(),
        judicialWindow: z.object({ opensAt: isoInstant, closesAt: isoInstant }).optional(),
      })
      .optional(),
    referral: z
      .object({
        outcome: z.enum(['declined', 'referred']),
        to: z.enum(REFERRAL_TARGETS).optional(),
        body: z.string().optional(),
        reason: z.string(),
        note: z.string().optional(),
        at: isoInstant,
        steps: z.array(stepSchema),
        documents: z.array(z.string()),
      })
      .optional(),
    closedAt: isoInstant.optional(),
    timeline: z.array(
      stepSchema.extend({ stage: z.enum(MEDIATION_STAGES), mediatorId: z.string().optional(), details: z.record(z.string(), z.unknown()).optional() }),
    ),
    liveState: liveStateSchema.optional(),
  })
  .meta({ id: 'Mediation' });
