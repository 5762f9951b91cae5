/**
 * The `redactExpiredRecords` activity run by the redaction schedule: removes residents' personal
 * data from cases and mediations closed longer ago than the configured period.
 */
import { DateTime, Duration } from 'luxon';
import { redactClosedBefore, type RedactionResult } from '../records/redaction';
import type { RecordsStore } from '../records/store';

export function createRedactionActivities(store: RecordsStore) {
  return {
    /** `redactAfter` is an ISO 8601 duration (e.g. P3Y); calendar years and months, in UTC. */
    async redactExpiredRecords(input: { redactAfter: string }): Promise<RedactionResult> {
      const period = Duration.fromISO(input.redactAfter);
      if (!period.isValid) throw new Error(`redactAfter is not an ISO 8601 duration: ${input.redactAfter}`);
      const now = new Date();
      return redactClosedBefore(store, DateTime.fromJSDate(now, { zone: 'utc' }).minus(period).toJSDate(), now);
    },
  };
}
