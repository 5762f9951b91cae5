/**
 * Turns the configured SLA policy into one case's SLA plan: the budget at each level for its
 * category and priority, and which clock it runs on. The policy's shape is the domain's own; the
 * config schema (`sla` in src/config/schema.ts) is checked against it.
 */
import { Duration } from 'luxon';
import { LEVELS, type Level, type Priority } from './vocabulary';
import type { SlaClock, WorkingCalendar } from './working-calendar';

/** The configured SLA policy: deadlines per level and priority as ISO 8601 durations. */
export interface SlaPolicy {
  /** Fractions of a level's deadline at which the assignee is warned. */
  warnAt: number[];
  /** Priorities whose clock runs in calendar hours; the others run on the working-day calendar. */
  calendarHoursFor: Priority[];
  /** Deadline per priority at each level. */
  levels: Record<Level, Record<Priority, string>>;
  /** Per-category overrides of single cells of `levels`. */
  overrides: { category: string; level: Level; priority: Priority; within: string }[];
  /** How long a resident has to confirm or reopen a resolved case before it closes on its own. */
  confirmWithin: string;
}

/** What a plan is made from: the policy, the city's calendar and its zone (a GridflowConfig has them all). */
export interface SlaSettings {
  sla: SlaPolicy;
  calendar: WorkingCalendar;
  city: { timeZone: string };
}

/** The SLA plan of one case, fixed at submission from the policy so the workflow needs no config. */
export interface SlaPlan {
  clock: SlaClock;
  /** Clock time allowed at each level, in milliseconds. */
  budgets: Record<Level, number>;
  /** Fractions of a level's budget at which the assignee is warned. */
  warnAt: number[];
  /** How long the resident has to confirm or reopen a resolution. */
  confirmWithinMs: number;
  calendar: WorkingCalendar;
  timeZone: string;
}

/** Milliseconds of an ISO 8601 duration (validated by the config schema). */
export function isoDurationMs(value: string): number {
  return Duration.fromISO(value).as('milliseconds');
}

/** The SLA plan of a case of `category` at `priority`. */
export function planFor(config: SlaSettings, category: string, priority: Priority): SlaPlan {
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
