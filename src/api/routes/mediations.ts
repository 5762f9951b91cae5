/**
 * `/mediations`: reading a dispute mediation and taking its steps. Staff act for the parties
 * (consent, signatures, withdrawal), as does the integration the dispute came in through; the
 * workflow's validator judges each step against the mediation's stage and answers at once.
 */
import type { Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import type { GridflowConfig } from '../../config/schema';
import type { MediationState } from '../../domain/mediation-model';
import type { MediationAction } from '../../domain/mediation-rules';
import type { OrgTree } from '../../domain/org-tree';
import { postsOf } from '../../domain/directory-rules';
import type { mediationWorkflow } from '../../workflows/mediation';
import { mediationActionUpdate, mediationWorkflowId } from '../../workflows/mediation-definitions';
import { canSeeMediation, revealsMediationContact, type Caller } from '../access';
import { actorOf, requireCaller } from '../auth';
import { message } from '../../i18n/message';
import { fieldProblem, parseOr400, problem } from '../errors';
import { mediationView } from '../presenters/mediation';
import { mediationActionSchema, mediationIdParam, type MediationActionBody } from '../schemas/mediations';
import { updateProblem } from '../temporal-errors';
import type { Logger } from 'pino';
import { liveStateNote, liveStateUnavailable, readState, type LiveRead } from '../live-state';
import type { RecordsStore } from '../../records/store';

export interface MediationRoutesDeps {
  config: GridflowConfig;
  org: OrgTree;
  client: Client;
  /** The clock that judges "in the future" for the 422 answers; tests may pin it. */
  now: () => Date;
  /** Answers for mediations Temporal has deleted after its retention, or cannot show live right now. */
  records?: RecordsStore | undefined;
  logger?: Logger | undefined;
}

export function mediationRoutes(deps: MediationRoutesDeps): Router {
  const { client, org } = deps;
  const router = Router();
  const handle = (id: string) => client.workflow.getHandle<typeof mediationWorkflow>(mediationWorkflowId(id));

  async function readMediation(req: Request): Promise<{ caller: Caller; id: string; state: MediationState; read: LiveRead<MediationState> }> {
    const caller = requireCaller(req);
    const id = parseOr400(mediationIdParam, req.params.id, 'params.id');
    const read = await readState(deps, 'mediation', id);
    const { state } = read;
    if (!canSeeMediation(caller, state)) throw problem(403, 'forbidden', message('detail.mediationOutOfScope'));
    return { caller, id, state, read };
  }

  /**
   * The step as the workflow takes it. What needs the directory or the state (which staff member,
   * which party, whether a time is still ahead) is judged here and answered as 422 naming the field.
   */
  function toAction(body: MediationActionBody, state: MediationState): MediationAction {
    if ('partyId' in body && !state.parties.some((party) => party.id === body.partyId)) {
      throw fieldProblem('body.partyId', 'field.noSuchParty', { partyId: body.partyId });
    }
    const nowMs = deps.now().getTime();
    const ahead = (field: string, at: string) => {
      if (Date.parse(at) <= nowMs) throw fieldProblem(field, 'field.notFuture');
    };
    switch (body.type) {
      case 'assign_mediator': {
        const { mediatorId, ...rest } = body;
        const mediator = org.staff(mediatorId);
        if (!mediator) throw fieldProblem('body.mediatorId', 'field.unknownStaff');
        // The mediator's post at the committee holding the dispute, if they have one there (else their first, which the workflow refuses).
        const post = postsOf(mediator).find((candidate) => candidate.role === 'mediator' && candidate.unit === state.unitId) ?? postsOf(mediator)[0]!;
        return { ...rest, mediator: { id: mediator.id, role: post.role, unitId: post.unit } };
      }
      case 'schedule_session':
        ahead('body.at', body.at);
        return body;
      case 'record_outcome':
        if (body.agreement) ahead('body.agreement.performanceDeadline', body.agreement.performanceDeadline);
        return body;
      default:
        return body;
    }
  }

  router.get('/mediations/:id', async (req, res) => {
    const { caller, state, read } = await readMediation(req);
    res.json({ ...mediationView(state, { revealContact: revealsMediationContact(caller, state) }), ...liveStateNote(read) });
  });

  router.post('/mediations/:id/actions', async (req, res) => {
    const body = parseOr400(mediationActionSchema, req.body, 'body');
    const { caller, id, state, read } = await readMediation(req);
    if (!read.live) throw liveStateUnavailable('mediation');
    const action = toAction(body, state);
    let after: MediationState;
    try {
      after = await handle(id).executeUpdate(mediationActionUpdate, { args: [{ action, actor: actorOf(caller) }] });
    } catch (error) {
      throw await updateProblem(error, handle(id), 'mediation');
    }
    res.json(mediationView(after, { revealContact: revealsMediationContact(caller, after) }));
  });

  return router;
}
