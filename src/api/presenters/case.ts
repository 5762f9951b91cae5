/**
 * What each kind of caller sees of a case. Staff in scope see everything; residents see their
 * case's progress without internal notes or staff contact details.
 */
import { beyondCalendar } from '../../domain/calendar-horizon';
import type { CaseState, TimelineEntry } from '../../domain/case-model';
import type { CalendarContext } from '../../domain/working-calendar';
import { maskPhone } from '../phone';

/** Timeline steps a resident is shown (internal notes and warnings stay inside). */
const RESIDENT_VISIBLE = new Set([
  'submitted',
  'assigned',
  'acknowledged',
  'started',
  'info_requested',
  'info_provided',
  'resolved',
  'escalated',
  'reopened',
  'closed',
  'auto_closed',
  'cancelled',
  'mediation_started',
  'mediation_stage',
  'mediation_ended',
  'calendar_updated',
]);

/**
 * Staff and the submitting integration: the whole state. The resident's phone is shown in full
 * only to those who may need to call (`revealContact`), masked to everyone else. With the city's
 * current `calendar`, a deadline past the last date it knows is flagged (`dueBeyondCalendar`):
 * it was computed on the weekday rule and may fall a working day early.
 */
export function staffCaseView(state: CaseState, options: { revealContact: boolean; calendar?: CalendarContext | undefined }) {
  const { ladder: _ladder, submittedBy: _by, locale: _locale, location, reporter, ...rest } = state;
  const phone = reporter?.phone;
  return {
    ...rest,
    ...(reporter ? { reporter: { ...reporter, ...(phone && !options.revealContact ? { phone: maskPhone(phone) } : {}) } } : {}),
    ...(location ? { location } : {}),
    ...(dueBeyond(state, options.calendar) ? { dueBeyondCalendar: true } : {}),
  };
}

function dueBeyond(state: CaseState, calendar: CalendarContext | undefined): boolean {
  if (calendar === undefined || state.dueAt === undefined || state.overdue) return false;
  return beyondCalendar(Date.parse(state.dueAt), calendar.calendar, calendar.zone);
}

/** The resident holding the case token. */
export function residentCaseView(state: CaseState) {
  return {
    id: state.id,
    status: state.status,
    category: state.category,
    priority: state.priority,
    title: state.title,
    description: state.description,
    address: state.address,
    submittedAt: state.submittedAt,
    level: state.level,
    unitId: state.unitId,
    gridId: state.gridId,
    dueAt: state.dueAt,
    resolvedAt: state.resolvedAt,
    confirmBy: state.confirmBy,
    closedAt: state.closedAt,
    rating: state.rating,
    ...(state.mediation ? { mediation: { stage: state.mediation.stage, level: state.mediation.level, unitId: state.mediation.unitId } } : {}),
    timeline: state.timeline
      .filter((entry) => RESIDENT_VISIBLE.has(entry.type))
      .map(({ seq, at, type, level, unitId, note, actor }: TimelineEntry) => ({
        seq,
        at,
        type,
        level,
        unitId,
        actor: { kind: actor.kind },
        // Residents see what they or the resolver wrote to them, not staff-internal notes.
        ...(note && (type === 'resolved' || type === 'info_requested' || actor.kind !== 'staff') ? { note } : {}),
      })),
  };
}
