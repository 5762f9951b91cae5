/**
 * The failure an update validator throws for a refusal: its type tells the API the status (409 or
 * 403), its message is the catalog key and its first detail the values, so the API can answer in
 * the caller's language. Validators run outside history, so changing this needs no patch.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { Refusal } from '../domain/refusal';

/** ApplicationFailure types for one workflow kind, e.g. CaseConflict / CaseForbidden. */
export interface RefusalTypes {
  conflict: string;
  forbidden: string;
}

export function refusalFailure(refusal: Refusal, types: RefusalTypes): ApplicationFailure {
  return ApplicationFailure.create({
    type: refusal.code === 'forbidden' ? types.forbidden : types.conflict,
    message: refusal.key,
    details: [refusal.values ?? {}],
    nonRetryable: true,
  });
}
