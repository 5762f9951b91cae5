/**
 * Leavers: `POST /admin/staff/:staffId/deactivate` deactivates a staff member and hands their open
 * cases, mediations and obligations to a successor (or a unit's duty officer) through
 * `handOverWorkflow`; `GET /admin/hand-overs/:id` shows its progress. Admins only, in their scope.
 * The directory is asked first, so a change it would refuse (a grid left without its worker, a
 * unit without its duty officer) is a 422 naming each field and unit, and nothing starts.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import type { Staff } from '../../domain/org-types';
import type { HandOverInput, HandOverProgress } from '../../domain/hand-over';
import type { OrgTree } from '../../domain/org-tree';
import type { DirectoryForHandOver, DirectoryProblem } from '../../directory/hand-over-port';
import { message } from '../../i18n/message';
import { isExecutionGone } from '../../records/after-retention';
import type { handOverWorkflow } from '../../workflows/hand-over';
import { getHandOverQuery, HAND_OVER_WORKFLOW_TYPE, handOverWorkflowId } from '../../workflows/hand-over-definitions';
import { holdsPostInScope, holdsRole, isInScope } from '../access';
import { actorOf, requireStaff } from '../auth';
import { refusalProblem } from '../directory-problem';
import { fieldProblem, parseOr400, problem } from '../errors';
import { LIVE_QUERY_DEADLINE_MS, liveStateGapOf, liveStateUnavailable } from '../live-state';
import { deactivateStaffSchema, handOverIdParam, staffIdParam } from '../schemas/hand-over';

export interface HandOverRoutesDeps {
  org: OrgTree;
  client: Client;
  taskQueue: string;
  /**
   * The directory that deactivates staff (the records-store directory). Absent when the directory
   * is the configuration file alone: nothing can be deactivated, and the route says so (409).
   */
  directory?: DirectoryForHandOver | undefined;
}

/** A directory problem naming the request field: the leaver is the path's, the rest the body's. */
function inRequest(found: DirectoryProblem): DirectoryProblem {
  return { ...found, field: found.field === 'staffId' ? 'params.staffId' : `body.${found.field}` };
}

export function handOverRoutes(deps: HandOverRoutesDeps): Router {
  const { client, org } = deps;
  const router = Router();

  function requireAdmin(req: Request): Staff {
    const staff = requireStaff(req);
    if (!holdsRole(staff, ['admin'])) throw problem(403, 'forbidden', message('detail.directory.adminsOnly'));
    return staff;
  }

  router.post('/admin/staff/:staffId/deactivate', async (req, res) => {
    const admin = requireAdmin(req);
    const staffId = parseOr400(staffIdParam, req.params.staffId, 'params.staffId');
    const body = parseOr400(deactivateStaffSchema, req.body, 'body');
    // Leavers included: a repeated request for someone already inactive resumes their hand-over.
    const leaver = org.person(staffId);
    if (!leaver) throw problem(404, 'not_found', message('detail.directory.noSuchStaff', { staff: staffId }));
    if (!holdsPostInScope(admin, org, leaver)) throw problem(403, 'forbidden', message('detail.directory.staffOutOfScope', { staff: staffId }));
    const successor = body.successorId === undefined ? undefined : org.person(body.successorId);
    if (successor && !holdsPostInScope(admin, org, successor)) throw fieldProblem('body.successorId', 'field.outsideUnit');
    if (body.returnToUnitId !== undefined && org.unit(body.returnToUnitId) && !isInScope(admin, org, body.returnToUnitId)) {
      throw fieldProblem('body.returnToUnitId', 'field.outsideUnit');
    }
    if (!deps.directory) throw problem(409, 'conflict', message('detail.directory.readOnly'));

    const workflowId = handOverWorkflowId(staffId);
    const handle = client.workflow.getHandle<typeof handOverWorkflow>(workflowId);
    // A hand-over of this leaver already running is the answer, whatever this request names.
    const running = await handle.describe().then(
      (description) => description.status.name === 'RUNNING',
      (error: unknown) => {
        if (isExecutionGone(error)) return false;
        throw error;
      },
    );
    if (!running) {
      const change = { staffId, successorId: body.successorId, returnToUnitId: body.returnToUnitId, actorId: admin.id, reason: body.reason };
      const problems = await deps.directory.checkDeactivation(change);
      if (problems.length > 0) throw refusalProblem(problems.map(inRequest), '');
      const input: HandOverInput = {
        leaverId: staffId,
        successorId: body.successorId,
        returnToUnitId: body.returnToUnitId,
        requestedBy: actorOf({ kind: 'staff', staff: admin }),
        reason: body.reason,
      };
      try {
        // USE_EXISTING: a request racing this one gets the same run, never a second hand-over.
        await client.workflow.start<typeof handOverWorkflow>(HAND_OVER_WORKFLOW_TYPE, {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    }
    res.status(202).location(`/api/v1/admin/hand-overs/${workflowId}`).json({ id: workflowId, leaverId: staffId, alreadyRunning: running });
  });

  router.get('/admin/hand-overs/:id', async (req, res) => {
    const admin = requireAdmin(req);
    const id = parseOr400(handOverIdParam, req.params.id, 'params.id');
    let progress: HandOverProgress;
    try {
      progress = await client.withDeadline(Date.now() + LIVE_QUERY_DEADLINE_MS, () => client.workflow.getHandle(id).query(getHandOverQuery));
    } catch (error) {
      if (isExecutionGone(error)) throw problem(404, 'not_found', message('detail.noSuch', { what: 'handOver' }));
      const gap = liveStateGapOf(error);
      if (gap && gap !== 'server_unavailable') throw liveStateUnavailable('handOver', error);
      throw error;
    }
    const leaver = org.person(progress.leaverId);
    if (leaver && !holdsPostInScope(admin, org, leaver))
      throw problem(403, 'forbidden', message('detail.directory.staffOutOfScope', { staff: progress.leaverId }));
    res.json(progress);
  });

  return router;
}
