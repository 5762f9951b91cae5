/**
 * `/healthz` (the process is up) and `/readyz` (it can reach Temporal and serve requests).
 */
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { message } from '../../i18n/message';
import { ProblemError, sendProblem } from '../errors';

export function healthRoutes(client: Client): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    try {
      await client.connection.withDeadline(Date.now() + 2_000, () => client.workflowService.getSystemInfo({}));
      res.json({ status: 'ready', temporal: 'ok' });
    } catch (error) {
      sendProblem(req, res, new ProblemError(503, 'unavailable', message('detail.temporalUnavailable'), undefined, { 'Retry-After': '5' }, { cause: error }));
    }
  });
  return router;
}
