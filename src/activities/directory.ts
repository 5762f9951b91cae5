/**
 * Directory look-ups for workflows: who holds a unit now. Answered from the configuration loaded
 * at start, so a staff change takes effect at the next escalation after a restart.
 */
import type { OrgTree } from '../domain/org-tree';

export function createDirectoryActivities(org: OrgTree) {
  return {
    /** Staff id of the unit's duty officer now, or undefined for an unknown unit. */
    async currentDutyOfficer(unitId: string): Promise<string | undefined> {
      return Promise.resolve(org.dutyOfficer(unitId)?.id);
    },
  };
}
