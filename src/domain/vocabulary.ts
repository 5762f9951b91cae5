/**
 * The words of the domain shared by API, workflows and activities. Pure constants and types only:
 * workflow code imports this, so it must stay free of I/O and non-deterministic calls.
 */

/** The four levels of the unit tree, top first. A case escalates from grid towards district. */
export const LEVELS = ['district', 'street', 'community', 'grid'] as const;
export type Level = (typeof LEVELS)[number];

/** Case priorities; the SLA table has a deadline for each at each level. */
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * Staff roles. Scope (what a person may see and act on) is their unit's subtree; the role says
 * what they may do there. `officer` takes escalated cases; `supervisor` also reassigns and moves
 * deadlines; `admin` may do everything in the district.
 */
export const ROLES = ['grid_worker', 'officer', 'supervisor', 'mediator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Catalog languages, zh-CN first. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
