/**
 * A case as a GeoReport v2 service request. Open311 knows two statuses: a case is `open` while
 * someone still has to act on it and `closed` once resolved, closed or cancelled; the finer stage
 * and the escalation level travel in `status_notes`. Reporter data is never shown: the GET calls
 * are public (and only cases of Open311 services are published: see `open311Services`).
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { TFunction } from 'i18next';
import { DateTime } from 'luxon';
import type { Category } from '../../config/schema';
import { FINAL_STATUSES, type CaseState, type CaseStatus } from '../../domain/case-model';
import type { OrgTree } from '../../domain/org-tree';
import type { Level, Locale } from '../../domain/vocabulary';
import { toCaseSummary } from '../case-visibility';
import type { CaseFacts } from '../case-submission';
import type { Open311Value } from './format';
import { localName } from './services';

/**
 * Case statuses that are `closed` for Open311 ("it has been resolved"): resolved and awaiting the
 * resident's confirmation, or final. Every other status, mediation included, is still `open`.
 */
export const CLOSED_STATUSES: readonly CaseStatus[] = ['resolved', ...FINAL_STATUSES];

/** `open` or `closed`. */
export function open311Status(status: CaseStatus): 'open' | 'closed' {
  return CLOSED_STATUSES.includes(status) ? 'closed' : 'open';
}

/** What a service request shows, from the workflow's state or from visibility. */
export interface RequestSnapshot {
  id: string;
  category: string;
  status: CaseStatus;
  level: Level;
  unitId: string;
  gridId: string;
  dueAt?: string | undefined;
  overdue: boolean;
  /** Last change of the case. */
  updatedAt: string;
  facts: CaseFacts;
}

/** A snapshot from the `getCase` query (exact), with the memo's facts when the case has them. */
export function snapshotOfState(state: CaseState, facts: CaseFacts | undefined): RequestSnapshot {
  return {
    id: state.id,
    category: state.category,
    status: state.status,
    level: state.level,
    unitId: state.unitId,
    gridId: state.gridId,
    dueAt: state.dueAt,
    overdue: state.overdue,
    updatedAt: state.timeline.at(-1)?.at ?? state.closedAt ?? state.submittedAt,
    facts: facts ?? { submittedAt: state.submittedAt, description: state.description, address: state.address, location: state.location },
  };
}

/** A snapshot of a finished execution from visibility: its state can no longer change, so its close time is the last update. */
export function snapshotOfClosedExecution(execution: WorkflowExecutionInfo, facts: CaseFacts): RequestSnapshot {
  const summary = toCaseSummary(execution);
  return {
    id: summary.id,
    category: summary.category,
    status: summary.status,
    level: summary.level,
    unitId: summary.unitId,
    gridId: summary.units[0] ?? summary.unitId,
    dueAt: summary.dueAt,
    overdue: summary.overdue,
    updatedAt: execution.closeTime?.toISOString() ?? facts.submittedAt,
    facts,
  };
}

/** Everything presenting needs besides the snapshot. */
export interface PresentContext {
  org: OrgTree;
  categories: ReadonlyMap<string, Category>;
  locale: Locale;
  timeZone: string;
  t: TFunction;
}

/** An instant in the spec's w3 format with the city's offset, e.g. `2026-05-06T17:30:00+08:00`. */
export function w3cTime(iso: string, timeZone: string): string {
  return DateTime.fromISO(iso, { setZone: true }).setZone(timeZone).toISO({ suppressMilliseconds: true }) ?? iso;
}

/** The grid and its ancestors by name, most specific first, as the spec orders an address. */
function areaOf(ctx: PresentContext, gridId: string): string {
  return ctx.org
    .lineage(gridId)
    .map((unit) => localName(unit.name, ctx.locale))
    .join(', ');
}

/** One `request` of a service_requests document, in the spec's field order. */
export function serviceRequestEntry(ctx: PresentContext, snapshot: RequestSnapshot): Open311Value {
  const { t, timeZone } = ctx;
  const category = ctx.categories.get(snapshot.category);
  const unit = ctx.org.unit(snapshot.unitId);
  const notes = t('open311.status_notes', { stage: t(`status.${snapshot.status}`), level: t(`level.${snapshot.level}`) });
  const { facts } = snapshot;
  return {
    service_request_id: snapshot.id,
    status: open311Status(snapshot.status),
    status_notes: snapshot.overdue && open311Status(snapshot.status) === 'open' ? `${notes}${t('open311.overdue')}` : notes,
    service_name: category ? localName(category.name, ctx.locale) : snapshot.category,
    service_code: snapshot.category,
    description: facts.description,
    agency_responsible: unit ? localName(unit.name, ctx.locale) : snapshot.unitId,
    service_notice: null,
    requested_datetime: w3cTime(facts.submittedAt, timeZone),
    updated_datetime: w3cTime(snapshot.updatedAt, timeZone),
    expected_datetime: snapshot.dueAt ? w3cTime(snapshot.dueAt, timeZone) : null,
    address: facts.address ?? areaOf(ctx, snapshot.gridId),
    lat: facts.location?.lat,
    long: facts.location?.lng,
    media_url: facts.mediaUrl,
  };
}
