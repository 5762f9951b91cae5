/**
 * What supervisors filter open work by, as plain values: the workflow keeps these current as
 * Temporal search attributes, the API sets them when it starts a case. One shape for the three
 * kinds, so `searchAttributesOf` (src/temporal/search-attributes.ts) is the only place that knows
 * the attribute names.
 */

/** The search-visible facts of one case, mediation or obligation. `null` clears an attribute. */
export interface SearchIndex {
  kind: 'case' | 'mediation' | 'obligation';
  status: string;
  level: string;
  unitId: string;
  /** The unit the work belongs to and every ancestor, so a subtree filter is one `=`. */
  units: string[];
  assigneeId: string | null;
  category?: string | undefined;
  priority?: string | undefined;
  dueAt: string | null;
  overdue: boolean;
  metPeriods?: number | undefined;
  missedPeriods?: number | undefined;
}
