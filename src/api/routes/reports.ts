/**
 * `/reports`: monthly (or any period's) figures of a unit subtree from the records store, as JSON
 * or, with `Accept: text/csv`, as CSV. Staff only, scoped to the caller's subtree like every
 * listing; the figures are counts and durations, never residents' personal data.
 */
import { Router, type Request, type Response } from 'express';
import type { GridflowConfig } from '../../config/schema';
import type { OrgTree } from '../../domain/org-tree';
import { caseReport } from '../../records/case-report';
import { mediationReport } from '../../records/mediation-report';
import { obligationReport } from '../../records/obligation-report';
import { reportCsv, type TabularReport } from '../../records/report-csv';
import { reportPeriod, type ReportPeriod } from '../../records/report-period';
import type { RecordsStore } from '../../records/store';
import { requireStaff } from '../auth';
import { parseOr400 } from '../errors';
import { reportQuerySchema } from '../schemas/reports';
import { scopedUnit } from '../access';

export interface ReportRoutesDeps {
  config: GridflowConfig;
  org: OrgTree;
  records: RecordsStore;
  now: () => Date;
}

type Build = (
  store: RecordsStore,
  org: OrgTree,
  unitId: string,
  period: ReportPeriod,
) => Promise<TabularReport & { kind: string; unitId: string; period: ReportPeriod }>;

/** Each report and the breakdowns its CSV lists, in order. */
const REPORTS: Record<string, { build: Build; breakdowns: string[] }> = {
  cases: { build: caseReport, breakdowns: ['byCategory', 'byUnit', 'byPeriod'] },
  mediations: { build: mediationReport, breakdowns: ['byCategory', 'byUnit', 'byPeriod'] },
  obligations: { build: obligationReport, breakdowns: ['byUnit', 'byChildUnit', 'byPerson', 'byPeriod'] },
};

export function reportRoutes(deps: ReportRoutesDeps): Router {
  const router = Router();

  for (const [name, { build, breakdowns }] of Object.entries(REPORTS)) {
    router.get(`/reports/${name}`, async (req: Request, res: Response) => {
      const staff = requireStaff(req);
      const query = parseOr400(reportQuerySchema, req.query, 'query');
      const unit = scopedUnit(staff, deps.org, query.unit);
      const period = reportPeriod({ from: query.from, to: query.to, bucket: query.bucket, timeZone: deps.config.city.timeZone, now: deps.now() });
      const report = await build(deps.records, deps.org, unit, period);
      res.vary('Accept');
      if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
        res.type('text/csv; charset=utf-8').attachment(`gridflow-${name}-${unit}-${period.from}-${period.to}.csv`).send(reportCsv(report, breakdowns));
        return;
      }
      res.json(report);
    });
  }

  return router;
}
