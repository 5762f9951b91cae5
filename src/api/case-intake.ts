/**
 * Turns a submission into a case: checks the category, routes the place to its grid, picks the
 * grid worker and fixes the SLA plan, so the workflow starts with everything it needs.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { GridflowConfig } from '../config/schema';
import { actorPosts, holdsRole } from '../domain/actor-posts';
import type { Actor, CaseInput } from '../domain/case-model';
import { mediationInputFor } from '../domain/mediation-model';
import type { OrgTree } from '../domain/org-tree';
import { planFor } from '../domain/sla-policy';
import type { Locale } from '../domain/vocabulary';
import type { Principal } from './auth';
import { message } from '../i18n/message';
import { fieldProblem, problem } from './errors';
import type { SubmitCaseBody } from './schemas/cases';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += BASE32[(bytes[i % bytes.length] ?? 0) % 32];
  return out;
}

/** A fresh case id: `c-` and 16 base32 characters (80 random bits). */
export function newCaseId(): string {
  return `c-${base32(randomBytes(16), 16)}`;
}

/**
 * The case id for a caller's Idempotency-Key: derived, so the same key from the same caller always
 * names the same workflow, and two callers' keys never collide.
 */
export function caseIdForIdempotencyKey(callerKey: string, idempotencyKey: string): string {
  return `c-${base32(createHash('sha256').update(`${callerKey}\u0000${idempotencyKey}`).digest(), 16)}`;
}

/** Stable identity of a caller for idempotency: `staff:<id>` or `integration:<id>`. */
export function callerKey(principal: Principal): string {
  if (principal.kind === 'staff') return `staff:${principal.staff.id}`;
  if (principal.kind === 'integration') return `integration:${principal.integration.id}`;
  return 'anonymous';
}

export interface IntakeContext {
  config: GridflowConfig;
  org: OrgTree;
}

/** Builds the workflow input, or throws a 403/422 problem naming the field at fault. */
export function buildCaseInput(
  { config, org }: IntakeContext,
  body: SubmitCaseBody,
  submittedBy: Actor,
  caseId: string,
  now: Date,
  fallbackLocale: Locale,
): CaseInput {
  const category = config.categories.find((c) => c.id === body.category);
  if (!category) throw fieldProblem('body.category', 'field.unknownCategory', { category: body.category });
  const routed = org.route({ gridId: body.gridId, location: body.location, address: body.address });
  if ('failure' in routed) throw fieldProblem(`body.${routed.failure.field}`, routed.failure.key, routed.failure.values);
  const grid = routed.grid;
  if (submittedBy.kind === 'staff' && !holdsRole(submittedBy, ['admin']) && !actorPosts(submittedBy).some((post) => org.isWithin(grid.id, post.unitId))) {
    throw problem(403, 'forbidden', message('detail.gridOutOfScope', { grid: grid.id }));
  }
  const assignee = org.dutyOfficer(grid.id);
  if (!assignee) throw problem(422, 'validation', message('detail.gridHasNoWorker', { grid: grid.id }));
  const priority = body.priority ?? category.defaultPriority;
  if (category.kind === 'dispute' && !body.parties) throw fieldProblem('body.parties', 'field.partiesNeeded');
  if (category.kind !== 'dispute' && body.parties) throw fieldProblem('body.parties', 'field.notADispute', { category: category.id });
  const input: CaseInput = {
    caseId,
    submittedAt: now.toISOString(),
    category: category.id,
    priority,
    title: body.title,
    description: body.description,
    address: body.address,
    location: body.location,
    reporter: body.reporter,
    locale: body.lang ?? fallbackLocale,
    submittedBy,
    ladder: org.ladder(grid.id),
    assigneeId: assignee.id,
    sla: planFor(config, category.id, priority),
  };
  if (body.parties) input.mediation = mediationInputFor(config, input, body.parties, { requestedBy: submittedBy, now, org });
  return input;
}
