/**
 * The API's access rules (src/api/access.ts) on a small tree: who reads a case, a mediation and an
 * obligation, who sees a phone in full, and which subtrees an admin's directory API covers. The
 * access matrix (test/integration/access-matrix.test.ts) checks the same rules through HTTP.
 */
import {
  adminRootsOf,
  canSeeMediation,
  integrationSubmittedCase,
  isSupervisor,
  revealsCaseContact,
  revealsMediationContact,
  staffCanSeeObligation,
  unitsInScope,
  type Caller,
} from '../../src/api/access';
import type { CaseState } from '../../src/domain/case-model';
import type { MediationState } from '../../src/domain/mediation-model';
import type { ObligationState } from '../../src/domain/obligation-model';
import { OrgTree } from '../../src/domain/org-tree';
import { tinyCityConfig } from '../helpers/fixtures';

const city = tinyCityConfig();
const org = new OrgTree(city.units, city.staff);
const staff = (id: string): Caller => ({ kind: 'staff', staff: org.staff(id)! });
const integration = (id: string): Caller => ({ kind: 'integration', integration: { id, name: id, apiKeySha256: [] } });

/** A case on grid g, held by the community c and assigned to its secretary, submitted by the app. */
const caseAtC = {
  id: 'c-1',
  ladder: org.ladder('g'),
  unitId: 'c',
  assigneeId: 'c-sec',
  submittedBy: { kind: 'integration', id: 'app' },
} as unknown as CaseState;

/** A mediation at community c's committee, with g-worker as its mediator, for the app's parties. */
const mediationAtC = {
  ladder: org.ladder('c').map((rung) => ({ ...rung, mediatorIds: [] })),
  unitId: 'c',
  mediatorId: 'g-worker',
  partyIntegrationId: 'app',
} as unknown as MediationState;

describe('cases', () => {
  it('an integration reads the cases it submitted, no others', () => {
    expect(integrationSubmittedCase('app', caseAtC)).toBe(true);
    expect(integrationSubmittedCase('hotline', caseAtC)).toBe(false);
    expect(integrationSubmittedCase('app', { ...caseAtC, submittedBy: { kind: 'resident' } })).toBe(false);
  });

  it('shows the resident’s phone to who works the case now, not to supervisors above or integrations', () => {
    expect(revealsCaseContact(staff('c-sec'), caseAtC)).toBe(true);
    expect(revealsCaseContact(staff('d-admin'), caseAtC)).toBe(true);
    expect(revealsCaseContact(staff('s-lead'), caseAtC)).toBe(false);
    expect(revealsCaseContact(staff('g-worker'), caseAtC)).toBe(false);
    expect(revealsCaseContact(integration('app'), caseAtC)).toBe(false);
    expect(revealsCaseContact({ kind: 'anonymous' }, caseAtC)).toBe(false);
  });
});

describe('mediations', () => {
  it('are read by staff of a committee on the ladder, the mediator, an admin and the parties’ integration', () => {
    expect(canSeeMediation(staff('c-sec'), mediationAtC)).toBe(true);
    expect(canSeeMediation(staff('s-lead'), mediationAtC)).toBe(true);
    expect(canSeeMediation(staff('g-worker'), mediationAtC)).toBe(true);
    expect(canSeeMediation(staff('d-admin'), mediationAtC)).toBe(true);
    expect(canSeeMediation(staff('c2-sec'), mediationAtC)).toBe(false);
    expect(canSeeMediation(integration('app'), mediationAtC)).toBe(true);
    expect(canSeeMediation(integration('hotline'), mediationAtC)).toBe(false);
  });

  it('show the parties’ phones to the mediator, supervisors, admins and the integration', () => {
    expect(revealsMediationContact(staff('g-worker'), mediationAtC)).toBe(true);
    expect(revealsMediationContact(staff('c2-sec'), mediationAtC)).toBe(true);
    expect(revealsMediationContact(staff('d-admin'), mediationAtC)).toBe(true);
    expect(revealsMediationContact(staff('g2-worker'), mediationAtC)).toBe(false);
    expect(revealsMediationContact(integration('hotline'), mediationAtC)).toBe(true);
  });
});

describe('obligations', () => {
  /** g-worker contacts grid g; the duty's unit and its holder's are both g. */
  const duty = { obligeeId: 'g-worker', unitId: 'g', obligeeUnitId: 'g' } as unknown as ObligationState;

  it('are read by their holder and by staff whose scope holds the unit or the holder’s unit', () => {
    const sees = (id: string, state = duty) => staffCanSeeObligation(org.staff(id)!, org, state);
    expect(sees('g-worker')).toBe(true);
    expect(sees('c-sec')).toBe(true);
    expect(sees('c2-sec')).toBe(false);
    expect(sees('c2-sec', { ...duty, obligeeUnitId: 'g2' })).toBe(true);
    expect(sees('g2-worker', { ...duty, obligeeId: 'g2-worker' })).toBe(true);
  });

  it('are created and handed on by supervisors and admins', () => {
    expect(['c-sec', 'd-admin', 'g-worker', 'd-duty'].map((id) => isSupervisor(org.staff(id)!))).toEqual([true, true, false, false]);
  });
});

describe('scopes', () => {
  it('lists the units of a scope: the subtree of each post, the district for an admin', () => {
    expect(unitsInScope(org.staff('c-sec')!, org).map((unit) => unit.id)).toEqual(['c', 'g']);
    expect(unitsInScope(org.staff('d-admin')!, org)).toHaveLength(city.units.length);
  });

  it('gives the directory’s admin API the subtrees of admin posts only', () => {
    expect(adminRootsOf(org.staff('d-admin')!)).toEqual(['d']);
    expect(adminRootsOf(org.staff('s-lead')!)).toEqual([]);
  });
});
