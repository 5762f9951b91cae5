/**
 * The SLA clock of a case at its current level: a budget of clock time (calendar or working time)
 * that runs while staff work the case, pauses while the resident is asked for information, and
 * gives the deadline and the warning instants. Pure and serialisable, so it travels through
 * continue-as-new with the case.
 */
import type { SlaPlan } from './case-model';
import { addClockTime, clockTimeBetween, type CalendarContext } from './working-calendar';

/** Clock state of one level. All instants are epoch milliseconds. */
export interface LevelClock {
  /** Clock time allowed at this level (or since the deadline was last moved). */
  budgetMs: number;
  /** When the current running segment began (start of level, resume, or deadline move). */
  segmentStartMs: number;
  /** Clock time left at `segmentStartMs`. */
  remainingMs: number;
  /** A deadline set by a supervisor, used as is while the clock runs. */
  fixedDueMs?: number | undefined;
  paused: boolean;
  /** Stopped for good at this level: resolved, final, or past the top deadline. */
  stopped: boolean;
  /** How many of the plan's warning fractions have been sent at this level. */
  warned: number;
}

function context(plan: SlaPlan): CalendarContext {
  return { calendar: plan.calendar, zone: plan.timeZone };
}

/** A fresh clock for a level whose budget starts now. */
export function startLevelClock(budgetMs: number, nowMs: number): LevelClock {
  return { budgetMs, segmentStartMs: nowMs, remainingMs: budgetMs, paused: false, stopped: false, warned: 0 };
}

/** The deadline, or undefined while the clock is paused or stopped. */
export function deadlineOf(clock: LevelClock, plan: SlaPlan): number | undefined {
  if (clock.paused || clock.stopped) return undefined;
  if (clock.fixedDueMs !== undefined) return clock.fixedDueMs;
  return addClockTime(clock.segmentStartMs, Math.max(clock.remainingMs, 0), plan.clock, context(plan));
}

/** Clock time left now (never negative). */
function remainingAt(clock: LevelClock, plan: SlaPlan, nowMs: number): number {
  if (clock.paused) return clock.remainingMs;
  if (clock.fixedDueMs !== undefined) return clockTimeBetween(nowMs, clock.fixedDueMs, plan.clock, context(plan));
  return Math.max(clock.remainingMs - clockTimeBetween(clock.segmentStartMs, nowMs, plan.clock, context(plan)), 0);
}

/** Stops counting (waiting for the resident); the time until resume does not count. */
export function pauseClock(clock: LevelClock, plan: SlaPlan, nowMs: number): LevelClock {
  if (clock.paused || clock.stopped) return clock;
  return { ...clock, remainingMs: remainingAt(clock, plan, nowMs), fixedDueMs: undefined, paused: true };
}

/** Resumes counting from now with the time that was left. */
export function resumeClock(clock: LevelClock, nowMs: number): LevelClock {
  if (!clock.paused) return clock;
  return { ...clock, segmentStartMs: nowMs, paused: false };
}

/** A supervisor moves the deadline; warnings restart relative to the new window. */
export function moveDeadline(clock: LevelClock, plan: SlaPlan, nowMs: number, dueMs: number): LevelClock {
  const budgetMs = Math.max(clockTimeBetween(nowMs, dueMs, plan.clock, context(plan)), 1);
  return { ...clock, budgetMs, segmentStartMs: nowMs, remainingMs: budgetMs, fixedDueMs: dueMs, paused: false, warned: 0 };
}

/** Stops the clock at this level for good. */
export function stopClock(clock: LevelClock): LevelClock {
  return { ...clock, stopped: true };
}

/**
 * The instant of the next warning not yet sent: when the time left falls to (1 - fraction) of
 * the budget. Undefined when no warning is left or the clock is not running.
 */
export function nextWarningAt(clock: LevelClock, plan: SlaPlan): { fraction: number; atMs: number } | undefined {
  if (clock.paused || clock.stopped) return undefined;
  const fraction = [...plan.warnAt].sort((a, b) => a - b)[clock.warned];
  if (fraction === undefined) return undefined;
  const leftAtWarning = (1 - fraction) * clock.budgetMs;
  const elapsedBeforeWarning = Math.max(clock.remainingMs - leftAtWarning, 0);
  return { fraction, atMs: addClockTime(clock.segmentStartMs, elapsedBeforeWarning, plan.clock, context(plan)) };
}
