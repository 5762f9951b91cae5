/**
 * How far ahead the working-day calendar is known, as a gauge computed when Prometheus scrapes
 * (the number shrinks by one every day with no event to update it), and a counter of deadlines
 * that fell beyond it. An alert on the gauge is how operators learn a year's notice is missing
 * before cases feel it.
 */
import { Counter, Gauge } from 'prom-client';
import { calendarHorizon } from '../domain/calendar-horizon';
import type { CalendarContext } from '../domain/working-calendar';
import { metricsRegistry } from './registry';

/** The calendar the gauge reports: the one of the app or worker set up last in this process. */
let source: { context: CalendarContext; now: () => number } | undefined;

/** Deadlines computed past the calendar's horizon, on the weekday rule only. */
export const deadlinesBeyondCalendarTotal = new Counter({
  name: 'gridflow_deadlines_beyond_calendar_total',
  help: 'Case deadlines that fell after the last date the holiday calendar is known (weekday rule only)',
  registers: [metricsRegistry],
});

/** Points the horizon gauge at `context`, registering it the first time (a registry holds one of each). */
export function registerCalendarGauge(context: CalendarContext, now: () => number = Date.now): void {
  const first = source === undefined;
  source = { context, now };
  if (first) defineGauge();
}

function defineGauge(): void {
  new Gauge({
    name: 'gridflow_calendar_known_days_ahead',
    help: 'Days from today to the last date the holiday calendar is known (negative once passed)',
    labelNames: ['version'] as const,
    registers: [metricsRegistry],
    collect() {
      this.reset();
      if (source === undefined) return;
      const horizon = calendarHorizon(source.context.calendar, source.now(), source.context.zone);
      // A calendar without a horizon reports nothing rather than a made-up number.
      if (horizon !== undefined) this.set({ version: horizon.version ?? '' }, horizon.daysAhead);
    },
  });
}
