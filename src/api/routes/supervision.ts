/**
 * `/supervision`: what is overdue (or escalated) in a supervisor's part of the tree and a summary
 * of the open load there, scoped to the caller's subtree. Both read the records store's
 * current-state rows when there is a store: at city scale visibility on the dev server answers a
 * deadline-filtered query in ~60 ms of server time, one query at a time, and a listing at ~0.25 ms
 * per case (bench/README.md). Without a store, both read visibility.
 */
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { OrgTree } from '../../domain/org-tree';
import { breachingSoon, byChildUnit, countByStatusAndLevel, loadByAssignee, overdueCases, overdueOrEscalated } from '../../domain/supervision';
import { requireStaff } from '../auth';
import { openCasesUnder } from '../../records/open-cases';
import type { RecordsStore } from '../../records/store';
import { listCases } from '../case-visibility';
import { parseOr400 } from '../errors';
import { overdueQuerySchema, summaryQuerySchema } from '../schemas/supervision';
import { scopedUnit } from '../access';

/** The most cases one summary reads; a larger subtree is reported as truncated. */
export const SUMMARY_CASE_LIMIT = 20_000;

export interface SupervisionDeps {
  client: Client;
  org: OrgTree;
  now: () => Date;
  /**
   * The records store: when present both routes read its current-state rows (milliseconds)
   * instead of querying visibility (hundreds of milliseconds to seconds at city scale).
   */
  records?: RecordsStore | undefined;
}

export function supervisionRoutes(deps: SupervisionDeps): Router {
  const { client, org } = deps;
  const router = Router();

  router.get('/supervision/overdue', async (req, res) => {
    const staff = requireStaff(req);
    const query = parseOr400(overdueQuerySchema, req.query, 'query');
    const unit = scopedUnit(staff, org, query.unit);
    const now = deps.now();
    const withEscalated = query.escalated === 'true';
    const candidates = deps.records
      ? await openCasesUnder(deps.records, org, unit)
      : await listCases(client, { unit, openOnly: true, ...(withEscalated ? {} : { dueBefore: now }) }, SUMMARY_CASE_LIMIT);
    const items = withEscalated ? overdueOrEscalated(candidates, now.getTime()) : overdueCases(candidates, now.getTime());
    res.json({ unit, asOf: now.toISOString(), source: deps.records ? 'records' : 'visibility', total: items.length, items: items.slice(0, query.limit) });
  });

  router.get('/supervision/summary', async (req, res) => {
    const staff = requireStaff(req);
    const query = parseOr400(summaryQuerySchema, req.query, 'query');
    const unit = scopedUnit(staff, org, query.unit);
    const now = deps.now();
    const open = deps.records ? await openCasesUnder(deps.records, org, unit) : await listCases(client, { unit, openOnly: true }, SUMMARY_CASE_LIMIT);
    const nowMs = now.getTime();
    res.json({
      unit,
      asOf: now.toISOString(),
      source: deps.records ? 'records' : 'visibility',
      truncated: !deps.records && open.length >= SUMMARY_CASE_LIMIT,
      open: open.length,
      overdue: overdueCases(open, nowMs).length,
      byStatusAndLevel: countByStatusAndLevel(open),
      willBreach: { withinHours: query.withinHours, items: breachingSoon(open, nowMs, query.withinHours * 3_600_000) },
      loadByAssignee: loadByAssignee(open, nowMs),
      children: byChildUnit(
        open,
        org.children(unit).map((child) => child.id),
        nowMs,
      ),
    });
  });

  return router;
}
