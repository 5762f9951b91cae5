/**
 * `/cases`: submission, reading, staff actions, resident feedback, and listings from visibility.
 */
import type { Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { GridflowConfig } from '../../config/schema';
import type { CaseState } from '../../domain/case-model';
import type { CaseAction } from '../../domain/case-rules';
import { mediationInputFor } from '../../domain/mediation-model';
import type { OrgTree } from '../../domain/org-tree';
import { toLocale } from '../../i18n';
import { listCases } from '../case-visibility';
import { caseActionUpdate, caseWorkflowId, getCaseQuery } from '../../workflows/case-definitions';
import { actorOf, caseTokenFor, isValidCaseToken, requireCaller, requireStaff, type Principal } from '../auth';
import { buildCaseInput, callerKey, caseIdForIdempotencyKey, newCaseId } from '../case-intake';
import { idempotencyKeySchema, requestHashOf, startOrReplayCase } from '../case-submission';
import { message } from '../../i18n/message';
import { fieldProblem, parseOr400, problem } from '../errors';
import { residentCaseView, staffCaseView } from '../presenters/case';
import { caseActionSchema, caseListQuerySchema, feedbackSchema, submitCaseSchema } from '../schemas/cases';
import { holdsPostInScope, integrationSubmittedCase, revealsCaseContact, scopedUnit, staffCanSeeCase } from '../access';
import { updateProblem } from '../temporal-errors';
import type { RecordsStore } from '../../records/store';
import type { Logger } from 'pino';
import { liveStateNote, liveStateUnavailable, readState, type LiveRead } from '../live-state';

export interface CaseRoutesDeps {
  config: GridflowConfig;
  org: OrgTree;
  client: Client;
  taskQueue: string;
  authSecret: string;
  now: () => Date;
  /** Answers for cases Temporal has deleted after its retention, or cannot show live right now. */
  records?: RecordsStore | undefined;
  logger?: Logger | undefined;
}

const caseIdSchema = z.string().regex(/^c-[a-z2-7]{16}$/, 'field.caseId');

export function caseRoutes(deps: CaseRoutesDeps): Router {
  const { client, config, org } = deps;
  const router = Router();

  /** Reads a case for `req`'s caller, enforcing scope; residents need the case token. */
  async function readCase(req: Request, id: string): Promise<{ state: CaseState; principal: Principal; read: LiveRead<CaseState> }> {
    const principal = req.principal ?? { kind: 'anonymous' as const };
    if (principal.kind === 'anonymous') {
      const token = req.get('x-case-token');
      if (token === undefined) throw problem(401, 'unauthorized', message('detail.caseTokenMissing'));
      if (!isValidCaseToken(deps.authSecret, id, token)) throw problem(403, 'forbidden', message('detail.caseTokenMismatch'));
    }
    const read = await readState(deps, 'case', id);
    const { state } = read;
    if (principal.kind === 'staff' && !staffCanSeeCase(principal.staff, state)) {
      throw problem(403, 'forbidden', message('detail.caseOutOfScope'));
    }
    if (principal.kind === 'integration' && !integrationSubmittedCase(principal.integration.id, state)) {
      throw problem(403, 'forbidden', message('detail.caseOtherIntegration'));
    }
    return { state, principal, read };
  }

  function present(principal: Principal, state: CaseState) {
    if (principal.kind === 'anonymous') return residentCaseView(state);
    return staffCaseView(state, {
      revealContact: revealsCaseContact(principal, state),
      calendar: { calendar: deps.config.calendar, zone: deps.config.city.timeZone },
    });
  }

  /** Reads the case (enforcing scope), builds the action from it, and sends it. */
  async function act(req: Request, id: string, build: (state: CaseState, principal: Principal) => CaseAction) {
    const { principal, state, read } = await readCase(req, id);
    // A step on a state nobody can see could be neither checked nor recorded: 503, nothing sent.
    if (!read.live) throw liveStateUnavailable('case');
    const action = build(state, principal);
    const handle = client.workflow.getHandle(caseWorkflowId(id));
    try {
      return await handle.executeUpdate(caseActionUpdate, { args: [{ action, actor: actorOf(principal) }] }).then((state) => present(principal, state));
    } catch (error) {
      throw await updateProblem(error, handle, 'case');
    }
  }

  router.post('/cases', async (req, res) => {
    const principal = requireCaller(req);
    const body = parseOr400(submitCaseSchema, req.body, 'body');
    const rawKey = req.get('idempotency-key');
    const key = rawKey === undefined ? undefined : parseOr400(idempotencyKeySchema, rawKey, 'headers.Idempotency-Key');
    const caseId = key === undefined ? newCaseId() : caseIdForIdempotencyKey(callerKey(principal), key);
    const locale = toLocale(body.lang ?? (req.acceptsLanguages('zh-CN', 'zh', 'en') || undefined), config.city.defaultLocale);
    const input = buildCaseInput({ config, org }, body, actorOf(principal), caseId, deps.now(), locale);
    const start = await startOrReplayCase({ client, taskQueue: deps.taskQueue, input, requestHash: requestHashOf(body), logger: deps.logger });
    if (start.kind === 'conflict') throw problem(409, 'conflict', message('detail.idempotencyConflict'));
    res.status(201).location(`/api/v1/cases/${caseId}`);
    if (start.kind === 'replayed') {
      const state = await client.workflow.getHandle(caseWorkflowId(caseId)).query(getCaseQuery);
      res.set('Idempotent-Replayed', 'true').json(submittedView(state.id, state));
      return;
    }
    res.json(
      submittedView(caseId, {
        status: 'assigned',
        level: input.ladder[0]!.level,
        unitId: input.ladder[0]!.unitId,
        assigneeId: input.assigneeId,
        dueAt: start.dueAt,
      }),
    );
  });

  /** The answer to a submission (first or retried): where the case stands and the resident's token. */
  function submittedView(id: string, state: Pick<CaseState, 'status' | 'level' | 'unitId' | 'assigneeId' | 'dueAt'>) {
    return {
      id,
      status: state.status,
      level: state.level,
      unitId: state.unitId,
      assigneeId: state.assigneeId,
      dueAt: state.dueAt,
      caseToken: caseTokenFor(deps.authSecret, id),
    };
  }

  router.get('/cases', async (req, res) => {
    const staff = requireStaff(req);
    const query = parseOr400(caseListQuerySchema, req.query, 'query');
    const unit = scopedUnit(staff, org, query.unit);
    const filter = {
      unit,
      status: query.status,
      level: query.level,
      assignee: query.assignee,
      overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
    };
    res.json({ unit, items: await listCases(client, filter, query.pageSize) });
  });

  router.get('/cases/:id', async (req, res) => {
    const id = parseOr400(caseIdSchema, req.params.id, 'params.id');
    const { state, principal, read } = await readCase(req, id);
    res.json({ ...present(principal, state), ...liveStateNote(read) });
  });

  router.post('/cases/:id/actions', async (req, res) => {
    const id = parseOr400(caseIdSchema, req.params.id, 'params.id');
    const action = parseOr400(caseActionSchema, req.body, 'body');
    if (action.type === 'reassign') {
      const staff = requireStaff(req);
      const assignee = org.staff(action.assigneeId);
      if (!assignee) throw fieldProblem('body.assigneeId', 'field.unknownStaff');
      if (!holdsPostInScope(staff, org, assignee)) {
        throw fieldProblem('body.assigneeId', 'field.outsideUnit');
      }
    }
    res.json(
      await act(req, id, (state, principal) => {
        if (action.type !== 'start_mediation') return action;
        const attempt = state.timeline.filter((entry) => entry.type === 'mediation_started').length + 1;
        const mediation = mediationInputFor(config, { ...state, caseId: state.id }, action.parties, {
          requestedBy: actorOf(principal),
          now: deps.now(),
          attempt,
          org,
        });
        return { type: 'start_mediation', mediation, note: action.note };
      }),
    );
  });

  router.post('/cases/:id/feedback', async (req, res) => {
    const id = parseOr400(caseIdSchema, req.params.id, 'params.id');
    const feedback = parseOr400(feedbackSchema, req.body, 'body');
    res.json(await act(req, id, () => ({ type: 'feedback', ...feedback })));
  });

  return router;
}
