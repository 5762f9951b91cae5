/**
 * A small in-memory directory behind the hand-over port (src/directory/hand-over-port.ts), for
 * testing the hand-over on its own: who is active, who holds each unit's duty-officer post, and
 * the refusals the real directory makes (an unknown or inactive successor, a successor who is the
 * leaver, neither or both of successor and unit). Not the records-store directory.
 */
import type { DeactivationResult, DirectoryForHandOver, DirectoryProblem, StaffDeactivation } from '../../src/directory/hand-over-port';
import { DirectoryRefusalError } from '../../src/directory/directory-refusal';

export class MemoryDirectory implements DirectoryForHandOver {
  version = 1;
  readonly inactive = new Set<string>();
  /** Every deactivation asked for, in order. */
  readonly deactivations: StaffDeactivation[] = [];
  /** Fails this many `deactivateStaff` calls with an outage before answering. */
  outages = 0;
  private readonly staff: Set<string>;
  private readonly dutyOfficers: Map<string, string>;

  constructor(staff: readonly { id: string }[], units: readonly { id: string; dutyOfficer: string }[]) {
    this.staff = new Set(staff.map((person) => person.id));
    this.dutyOfficers = new Map(units.map((unit) => [unit.id, unit.dutyOfficer]));
  }

  isActive(staffId: string): boolean {
    return this.staff.has(staffId) && !this.inactive.has(staffId);
  }

  dutyOfficerOf(unitId: string): string | undefined {
    return this.dutyOfficers.get(unitId);
  }

  async checkDeactivation(change: StaffDeactivation): Promise<DirectoryProblem[]> {
    const problems: DirectoryProblem[] = [];
    if (!this.staff.has(change.staffId)) problems.push({ field: 'staffId', key: 'field.unknownStaff' });
    if ((change.successorId === undefined) === (change.returnToUnitId === undefined)) problems.push({ field: 'successorId', key: 'field.required' });
    if (change.successorId !== undefined && (!this.isActive(change.successorId) || change.successorId === change.staffId)) {
      problems.push({ field: 'successorId', key: 'field.unknownStaff' });
    }
    if (change.returnToUnitId !== undefined && !this.dutyOfficers.has(change.returnToUnitId))
      problems.push({ field: 'returnToUnitId', key: 'field.unknownUnit' });
    return Promise.resolve(problems);
  }

  async deactivateStaff(change: StaffDeactivation): Promise<DeactivationResult> {
    this.deactivations.push(change);
    if (this.outages > 0) {
      this.outages--;
      throw new Error('directory store unreachable');
    }
    const successorId = change.successorId ?? this.dutyOfficers.get(change.returnToUnitId ?? '');
    if (this.inactive.has(change.staffId)) return { version: this.version, successorId: successorId ?? '', alreadyInactive: true };
    const problems = await this.checkDeactivation(change);
    if (problems.length > 0 || successorId === undefined) throw new DirectoryRefusalError(problems);
    this.inactive.add(change.staffId);
    for (const [unitId, officer] of this.dutyOfficers) if (officer === change.staffId) this.dutyOfficers.set(unitId, successorId);
    this.version++;
    return { version: this.version, successorId, alreadyInactive: false };
  }
}
