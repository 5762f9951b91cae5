/**
 * Turns the configured SLA policy into one case's SLA plan: the budget at each level for its
 * category and priority, and which clock it runs on.
 */
import { Duration } from 'luxon';
import type { GridflowConfig } from '../config/schema';
import type { SlaPlan } from './case-model';
import { LEVELS, type Level, type Priority } from './vocabulary';

/** Milliseconds of an ISO 8601 duration (validated by the config schema). */
export function isoDurationMs(value: string): number {
  return Duration.fromISO(value).as('milliseconds');
}

/** The SLA plan of a case of `category` at `priority`. */
export function planFor(config: GridflowConfig, category: string, priority: Priority): SlaPlan {
  const { sla } = config;
  const budgets = Object.fromEntries(
    LEVELS.map((level) => {
      const override = sla.overrides.find((o) => o.category === category && o.level === level && o.priority === priority);
      return [level, isoDurationMs(override?.within ?? sla.levels[level][priority])];
    }),
  ) as Record<Level, number>;
  return {
    clock: sla.calendarHoursFor.includes(priority) ? 'calendar' : 'working',
    budgets,
    warnAt: sla.warnAt,
    confirmWithinMs: isoDurationMs(sla.confirmWithin),
    calendar: config.calendar,
    timeZone: config.city.timeZone,
  };
}
