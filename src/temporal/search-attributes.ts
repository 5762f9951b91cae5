/**
 * Custom search attributes: what supervisors filter open work by in Temporal visibility.
 * Registered on the embedded dev server at start and by `npm run register-search-attributes`
 * on a real cluster. Every case, mediation and obligation keeps them current.
 */
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  TypedSearchAttributes,
  type SearchAttributePair,
  type SearchAttributeUpdatePair,
} from '@temporalio/common';
import type { SearchIndex } from '../domain/search-index';

/** `case`, `mediation` or `obligation`. */
export const KIND = defineSearchAttributeKey('GridflowKind', SearchAttributeType.KEYWORD);
/** Current lifecycle status (e.g. `assigned`, `resolved`). */
export const STATUS = defineSearchAttributeKey('GridflowStatus', SearchAttributeType.KEYWORD);
/** Level now holding the work: grid, community, street, district. */
export const LEVEL = defineSearchAttributeKey('GridflowLevel', SearchAttributeType.KEYWORD);
/** The unit now holding the work. */
export const UNIT = defineSearchAttributeKey('GridflowUnit', SearchAttributeType.KEYWORD);
/** The original unit and all its ancestors: a supervisor's subtree filter is one `=` on this list. */
export const UNITS = defineSearchAttributeKey('GridflowUnits', SearchAttributeType.KEYWORD_LIST);
/** Staff id of the current assignee. */
export const ASSIGNEE = defineSearchAttributeKey('GridflowAssignee', SearchAttributeType.KEYWORD);
/** Category id. */
export const CATEGORY = defineSearchAttributeKey('GridflowCategory', SearchAttributeType.KEYWORD);
/** Priority. */
export const PRIORITY = defineSearchAttributeKey('GridflowPriority', SearchAttributeType.KEYWORD);
/** When the current deadline passes (absent while the clock is paused or the work is done). */
export const DUE_AT = defineSearchAttributeKey('GridflowDueAt', SearchAttributeType.DATETIME);
/** Passed the deadline at the top of the ladder, or at any level and not yet handled. */
export const OVERDUE = defineSearchAttributeKey('GridflowOverdue', SearchAttributeType.BOOL);

/** Obligations: periods met so far (compliance reports read it from visibility, not per workflow). */
export const MET_PERIODS = defineSearchAttributeKey('GridflowMetPeriods', SearchAttributeType.INT);
/** Obligations: periods missed so far. */
export const MISSED_PERIODS = defineSearchAttributeKey('GridflowMissedPeriods', SearchAttributeType.INT);

/** Every key, for registration. */
export const ALL_SEARCH_ATTRIBUTES = [KIND, STATUS, LEVEL, UNIT, UNITS, ASSIGNEE, CATEGORY, PRIORITY, DUE_AT, OVERDUE, MET_PERIODS, MISSED_PERIODS] as const;

/** The dev server's `--search-attribute Name=Type` values. */
export function devServerSearchAttributeArgs(): string[] {
  const cliType: Record<string, string> = {
    [SearchAttributeType.KEYWORD]: 'Keyword',
    [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
    [SearchAttributeType.DATETIME]: 'Datetime',
    [SearchAttributeType.BOOL]: 'Bool',
    [SearchAttributeType.INT]: 'Int',
  };
  return ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type]}`]);
}

/**
 * The search attributes of a case, mediation or obligation: the one mapping from the domain's
 * {@link SearchIndex} to attribute keys, used by the workflows' upserts and by case intake, so a
 * case starts with exactly the attributes its workflow would set. Keys a kind does not have are left
 * out; a `null` value clears the attribute.
 */
export function searchAttributesOf(index: SearchIndex): SearchAttributeUpdatePair[] {
  const pairs: SearchAttributeUpdatePair[] = [
    { key: KIND, value: index.kind },
    { key: STATUS, value: index.status },
    { key: LEVEL, value: index.level },
    { key: UNIT, value: index.unitId },
    { key: UNITS, value: index.units },
    { key: ASSIGNEE, value: index.assigneeId },
  ];
  if (index.category !== undefined) pairs.push({ key: CATEGORY, value: index.category });
  if (index.priority !== undefined) pairs.push({ key: PRIORITY, value: index.priority });
  pairs.push({ key: DUE_AT, value: index.dueAt === null ? null : new Date(index.dueAt) }, { key: OVERDUE, value: index.overdue });
  if (index.metPeriods !== undefined) pairs.push({ key: MET_PERIODS, value: index.metPeriods });
  if (index.missedPeriods !== undefined) pairs.push({ key: MISSED_PERIODS, value: index.missedPeriods });
  return pairs;
}

/** The attributes a workflow starts with: {@link searchAttributesOf} without the cleared ones. */
export function startingSearchAttributes(index: SearchIndex): TypedSearchAttributes {
  const pairs = searchAttributesOf(index).filter((pair): pair is SearchAttributePair => pair.value !== null);
  return new TypedSearchAttributes(pairs);
}
