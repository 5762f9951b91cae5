/**
 * Directory look-ups for workflows: who holds a unit now. Answered from the process's live
 * directory (src/directory/live-directory.ts), so a running case escalates to whoever is on duty
 * at the rung when its deadline passes, not to whoever was when it was submitted.
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
