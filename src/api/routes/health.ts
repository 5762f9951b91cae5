/**
 * `/healthz` (the process is up) and `/readyz` (it can reach Temporal and serve requests).
 *
 * `/readyz` also reports how far ahead the working-day calendar is known. A short horizon is a
 * warning in the answer, never a failed probe: taking every API process out of rotation would
 * stop intake altogether, while deadlines past the horizon are still given on the weekday rule.
 */
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { calendarHorizon } from '../../domain/calendar-horizon';
import type { CalendarContext } from '../../domain/working-calendar';
import { translator } from '../../i18n';
import { message } from '../../i18n/message';
import { ProblemError, sendProblem } from '../errors';
import { requestLocale } from '../locale';

/** What `/readyz` says about the calendar. */
export interface CalendarReadiness {
  knownThrough: string;
  daysAhead: number;
  version: string | undefined;
  /** Present when fewer than 60 days are known (or none): what to do, in the caller's language. */
  warning?: string;
}

/**
 * @param calendar the calendar this process computes deadlines on; `/readyz` reports its horizon.
 * @param now the clock the horizon is measured from (tests pin it).
 */
export function healthRoutes(client: Client, calendar?: CalendarContext, now: () => number = Date.now): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    try {
      await client.connection.withDeadline(Date.now() + 2_000, () => client.workflowService.getSystemInfo({}));
    } catch (error) {
      sendProblem(req, res, new ProblemError(503, 'unavailable', message('detail.temporalUnavailable'), undefined, { 'Retry-After': '5' }, { cause: error }));
      return;
    }
    const horizon = calendar === undefined ? undefined : calendarHorizon(calendar.calendar, now(), calendar.zone);
    if (horizon === undefined) {
      res.json({ status: 'ready', temporal: 'ok' });
      return;
    }
    const { knownThrough, daysAhead, version } = horizon;
    const readiness: CalendarReadiness = { knownThrough, daysAhead, version };
    if (horizon.endingSoon) {
      const t = translator(requestLocale(req));
      readiness.warning = daysAhead < 0 ? t('calendar.horizonPassed', { knownThrough }) : t('calendar.horizonEnding', { knownThrough, days: daysAhead });
    }
    res.json({ status: 'ready', temporal: 'ok', calendar: readiness });
  });
  return router;
}
