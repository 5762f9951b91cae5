/**
 * Privacy: residents' personal data — their name, phone, e-mail, address, location and whatever
 * they wrote themselves (description, title, feedback, their notes) — is removed from the store a
 * configurable time after a case or mediation closed. Everything reports count stays: the row's
 * columns (status, category, units, times, ratings, escalations) and the events' types, times,
 * levels and staff steps. Staff notes stay: they are the administration's own record.
 */
import type { Transaction } from 'kysely';
import type { RecordsDatabase } from './schema';
import type { RecordsStore } from './store';

/** Shown where a resident's text or contact was. */
export const REDACTED = '[redacted]';

type Json = Record<string, unknown>;

/** Actors whose words are a resident's own: the resident, or an integration speaking for them. */
function writtenByResident(entry: Json): boolean {
  const kind = (entry.actor as { kind?: unknown } | undefined)?.kind;
  return kind === 'resident' || kind === 'integration';
}

/** A case's or mediation's state without the residents' personal data. */
export function redactState(state: Json): Json {
  const redacted: Json = { ...state };
  for (const field of ['title', 'address', 'location', 'feedbackComment']) delete redacted[field];
  if (typeof redacted.description === 'string') redacted.description = REDACTED;
  if (redacted.reporter !== undefined) redacted.reporter = {};
  if (Array.isArray(redacted.parties)) {
    redacted.parties = (redacted.parties as Json[]).map((party) => {
      const { name: _name, phone: _phone, email: _email, consent, ...rest } = party;
      const answer = consent as Json | undefined;
      return { ...rest, name: REDACTED, ...(answer ? { consent: redactEntry(answer) } : {}) };
    });
  }
  return redacted;
}

/** A timeline entry without what a resident wrote in it. */
export function redactEntry(entry: Json): Json {
  if (!writtenByResident(entry) || entry.note === undefined) return entry;
  return { ...entry, note: REDACTED };
}

/** How many records were redacted in one pass. */
export interface RedactionResult {
  cases: number;
  mediations: number;
  cutoff: string;
}

/** Redacts every case and mediation closed before `cutoff` and not redacted yet. */
export async function redactClosedBefore(store: RecordsStore, cutoff: Date, now: Date = new Date()): Promise<RedactionResult> {
  const before = cutoff.toISOString();
  const at = now.toISOString();
  return store.db.transaction().execute(async (trx) => {
    const cases = await trx.selectFrom('case_records').select(['id', 'state']).where('closed_at', '<', before).where('redacted_at', 'is', null).execute();
    for (const row of cases) {
      await trx
        .updateTable('case_records')
        .set({ state: JSON.stringify(redactState(JSON.parse(row.state) as Json)), redacted_at: at })
        .where('id', '=', row.id)
        .execute();
      await redactEvents(trx, row.id);
    }
    const mediations = await trx
      .selectFrom('mediation_records')
      .select(['id', 'state'])
      .where('closed_at', '<', before)
      .where('redacted_at', 'is', null)
      .execute();
    for (const row of mediations) {
      await trx
        .updateTable('mediation_records')
        .set({ state: JSON.stringify(redactState(JSON.parse(row.state) as Json)), redacted_at: at })
        .where('id', '=', row.id)
        .execute();
      await redactEvents(trx, row.id);
    }
    return { cases: cases.length, mediations: mediations.length, cutoff: before };
  });
}

/** The events of one execution: residents' notes, and the states stored with the batches. */
async function redactEvents(trx: Transaction<RecordsDatabase>, workflowId: string): Promise<void> {
  const events = await trx.selectFrom('record_events').select(['seq', 'data', 'state']).where('workflow_id', '=', workflowId).execute();
  for (const event of events) {
    const data = JSON.stringify(redactEntry(JSON.parse(event.data) as Json));
    const state = event.state === null ? null : JSON.stringify(redactState(JSON.parse(event.state) as Json));
    if (data !== event.data || state !== event.state) {
      await trx.updateTable('record_events').set({ data, state }).where('workflow_id', '=', workflowId).where('seq', '=', event.seq).execute();
    }
  }
}
