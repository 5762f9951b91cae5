/**
 * `/obligations`: contact duties — create, list, compliance, the period record, logged contacts,
 * staff changes and ending one. Lists and compliance come from visibility; the record from a query.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import type { GridflowConfig } from '../../config/schema';
import type { Staff } from '../../domain/org-types';
import { obligationInputFor, type ObligationState } from '../../domain/obligation-model';
import type { OrgTree } from '../../domain/org-tree';
import type { obligationWorkflow } from '../../workflows/obligation';
import { changeObligeeUpdate, endObligationUpdate, logContactUpdate, OBLIGATION_WORKFLOW_TYPE } from '../../workflows/obligation-definitions';
import { actorOf, requireStaff } from '../auth';
import { message } from '../../i18n/message';
import { fieldProblem, parseOr400, problem } from '../errors';
import { complianceBy, listObligations } from '../obligation-visibility';
import {
  changeObligeeSchema,
  complianceQuerySchema,
  createObligationSchema,
  logContactSchema,
  obligationIdParam,
  obligationListQuerySchema,
} from '../schemas/obligations';
import { holdsPostInScope, isInScope, isSupervisor, scopedUnit, staffCanSeeObligation } from '../access';
import { updateProblem } from '../temporal-errors';
import type { Logger } from 'pino';
import { liveStateNote, liveStateUnavailable, readState, type LiveRead } from '../live-state';
import type { RecordsStore } from '../../records/store';

export interface ObligationRoutesDeps {
  config: GridflowConfig;
  org: OrgTree;
  client: Client;
  taskQueue: string;
  now: () => Date;
  /** Answers for obligations Temporal has deleted after its retention, or cannot show live right now. */
  records?: RecordsStore | undefined;
  logger?: Logger | undefined;
}

export function obligationRoutes(deps: ObligationRoutesDeps): Router {
  const { client, config, org } = deps;
  const router = Router();
  const handle = (id: string) => client.workflow.getHandle<typeof obligationWorkflow>(id);

  /** Reads an obligation the caller may see: it concerns their subtree, or it is theirs. */
  async function readObligation(req: Request): Promise<{ staff: Staff; id: string; state: ObligationState; read: LiveRead<ObligationState> }> {
    const staff = requireStaff(req);
    const id = parseOr400(obligationIdParam, req.params.id, 'params.id');
    const read = await readState(deps, 'obligation', id);
    const { state } = read;
    if (!staffCanSeeObligation(staff, org, state)) {
      throw problem(403, 'forbidden', message('detail.obligationOutOfScope'));
    }
    return { staff, id, state, read };
  }

  /** Reads the obligation for a step: 503 while its live state is unavailable (nothing sent). */
  async function readForStep(req: Request): Promise<{ staff: Staff; id: string }> {
    const { staff, id, read } = await readObligation(req);
    if (!read.live) throw liveStateUnavailable('obligation');
    return { staff, id };
  }

  async function update<T>(id: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw await updateProblem(error, handle(id), 'obligation');
    }
  }

  router.post('/obligations', async (req, res) => {
    const staff = requireStaff(req);
    if (!isSupervisor(staff)) throw problem(403, 'forbidden', message('detail.supervisorsCreateObligations'));
    const body = parseOr400(createObligationSchema, req.body, 'body');
    const obligee = org.staff(body.obligeeId);
    if (!obligee) throw fieldProblem('body.obligeeId', 'field.unknownStaff');
    if (!org.unit(body.unitId)) throw fieldProblem('body.unitId', 'field.unknownUnit');
    if (!isInScope(staff, org, body.unitId) || !holdsPostInScope(staff, org, obligee)) {
      throw problem(403, 'forbidden', message('detail.obligationScopeBoth'));
    }
    const input = obligationInputFor(config, org, body, deps.now());
    try {
      await client.workflow.start<typeof obligationWorkflow>(OBLIGATION_WORKFLOW_TYPE, {
        workflowId: input.obligationId,
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        throw problem(
          409,
          'conflict',
          message('detail.obligationExists', { obligee: obligee.id, unit: body.unitId, period: body.period, id: input.obligationId }),
        );
      }
      throw error;
    }
    res.status(201).location(`/api/v1/obligations/${input.obligationId}`).json({
      id: input.obligationId,
      obligeeId: input.obligeeId,
      unitId: input.unitId,
      period: input.period,
      times: input.times,
    });
  });

  router.get('/obligations', async (req, res) => {
    const staff = requireStaff(req);
    const query = parseOr400(obligationListQuerySchema, req.query, 'query');
    const unit = scopedUnit(staff, org, query.unit);
    res.json({ unit, items: await listObligations(client, unit, query.status, query.pageSize) });
  });

  router.get('/obligations/compliance', async (req, res) => {
    const staff = requireStaff(req);
    const query = parseOr400(complianceQuerySchema, req.query, 'query');
    const unit = scopedUnit(staff, org, query.unit);
    const items = await listObligations(client, unit, undefined, 50_000);
    res.json({
      unit,
      asOf: deps.now().toISOString(),
      obligations: items.length,
      byUnit: complianceBy(items, (item) => item.unitId),
      byPerson: complianceBy(items, (item) => item.obligeeId),
    });
  });

  router.get('/obligations/:id', async (req, res) => {
    const { state, read } = await readObligation(req);
    res.json({ ...state, ...liveStateNote(read) });
  });

  router.post('/obligations/:id/contacts', async (req, res) => {
    const { staff, id } = await readForStep(req);
    const body = parseOr400(logContactSchema, req.body, 'body');
    const state = await update(id, () => handle(id).executeUpdate(logContactUpdate, { args: [{ ...body, actor: actorOf({ kind: 'staff', staff }) }] }));
    res.status(201).json(state);
  });

  router.patch('/obligations/:id', async (req, res) => {
    const { staff, id } = await readForStep(req);
    const body = parseOr400(changeObligeeSchema, req.body, 'body');
    const successor = org.staff(body.obligeeId);
    if (!successor) throw fieldProblem('body.obligeeId', 'field.unknownStaff');
    if (!holdsPostInScope(staff, org, successor)) throw problem(403, 'forbidden', message('detail.newObligeeOutOfScope'));
    const state = await update(id, () =>
      handle(id).executeUpdate(changeObligeeUpdate, {
        args: [{ obligeeId: successor.id, obligeeUnitId: successor.unit, reason: body.reason, actor: actorOf({ kind: 'staff', staff }) }],
      }),
    );
    res.json(state);
  });

  router.delete('/obligations/:id', async (req, res) => {
    const { staff, id } = await readForStep(req);
    const state = await update(id, () => handle(id).executeUpdate(endObligationUpdate, { args: [{ actor: actorOf({ kind: 'staff', staff }) }] }));
    res.json(state);
  });

  return router;
}
