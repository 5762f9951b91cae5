/**
 * Why a workflow refuses a step: `conflict` (the state does not allow it, HTTP 409) or
 * `forbidden` (the actor may not take it, HTTP 403), as a catalog message the API translates.
 */
import type { MessageValues, RefusalKey } from '../i18n/message';

export interface Refusal {
  code: 'conflict' | 'forbidden';
  key: RefusalKey;
  values?: MessageValues;
}

/** The state does not allow the step. */
export function conflict(key: RefusalKey, values?: MessageValues): Refusal {
  return values === undefined ? { code: 'conflict', key } : { code: 'conflict', key, values };
}

/** The actor may not take the step. */
export function forbidden(key: RefusalKey, values?: MessageValues): Refusal {
  return values === undefined ? { code: 'forbidden', key } : { code: 'forbidden', key, values };
}
