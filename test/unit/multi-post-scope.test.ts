/**
 * One person, one sign-in, posts in several units: what they see (the subtree of each post) and
 * what the workflow rules let them do (a step allowed from any post); an actor recorded before
 * posts existed decides exactly as before.
 */
import { actorOf } from '../../src/api/auth';
import { ProblemError } from '../../src/api/errors';
import { holdsPostInScope, isInScope, scopedUnit, scopeRootsOf, staffCanSeeCase } from '../../src/api/access';
import type { Staff } from '../../src/config/schema';
import type { Actor, CaseState } from '../../src/domain/case-model';
import { checkAction } from '../../src/domain/case-rules';
import { supervisesObligation } from '../../src/domain/obligation-rules';
import { OrgTree } from '../../src/domain/org-tree';
import { tinyCityConfig } from '../helpers/fixtures';

const city = tinyCityConfig();
/** g-worker also covers g2; c-sec, the secretary of c, also sits on the street's leadership. */
const staff = city.staff.map((person): Staff => {
  if (person.id === 'g-worker') return { ...person, posts: [{ unit: 'g2' }] };
  if (person.id === 'c-sec') return { ...person, posts: [{ unit: 's', role: 'supervisor' }] };
  return person;
});
const org = new OrgTree(city.units, staff);
const person = (id: string) => org.staff(id)!;

/** A case on grid g2, assigned to its own grid worker. */
const caseOnG2 = {
  id: 'c-1',
  status: 'assigned',
  ladder: org.ladder('g2'),
  unitId: 'g2',
  assigneeId: 'g2-worker',
} as unknown as CaseState;

describe('what a person with several posts sees', () => {
  it('every post’s subtree, listing the first by default and any other on request', () => {
    expect(scopeRootsOf(person('g-worker'), org)).toEqual(['g', 'g2']);
    expect(scopedUnit(person('g-worker'), org, undefined)).toBe('g');
    expect(scopedUnit(person('g-worker'), org, 'g2')).toBe('g2');
    expect(() => scopedUnit(person('g-worker'), org, 'c2')).toThrow(ProblemError);
    expect(isInScope(person('c-sec'), org, 'g2')).toBe(true);
    expect(isInScope(person('c2-sec'), org, 'g')).toBe(false);
    expect(scopeRootsOf(person('d-admin'), org)).toEqual(['d']);
  });

  it('reads cases on either grid’s ladder, and names staff in any post’s subtree', () => {
    expect(staffCanSeeCase(person('g-worker'), caseOnG2)).toBe(true);
    expect(staffCanSeeCase(person('g2-worker'), caseOnG2)).toBe(true);
    expect(staffCanSeeCase(person('c-sec'), { ...caseOnG2, ladder: org.ladder('g') })).toBe(true);
    expect(staffCanSeeCase(person('c2-sec'), { ...caseOnG2, ladder: org.ladder('g') })).toBe(false);
    expect(holdsPostInScope(person('c2-sec'), org, person('g-worker'))).toBe(true);
    expect(org.staffWithin('g2').map((member) => member.id)).toEqual(['g-worker', 'g2-worker']);
    expect(org.supervisorsOf('g2').map((member) => member.id)).toEqual(['d-admin', 's-lead', 'c-sec', 'c2-sec']);
  });
});

describe('what the workflow rules let them do', () => {
  const actorFor = (id: string) => actorOf({ kind: 'staff', staff: person(id) });

  it('carries the posts of someone holding several, and only then', () => {
    expect(actorFor('c-sec')).toEqual({
      kind: 'staff',
      id: 'c-sec',
      role: 'supervisor',
      unitId: 'c',
      posts: [
        { unitId: 'c', role: 'supervisor' },
        { unitId: 's', role: 'supervisor' },
      ],
    });
    expect(actorFor('c2-sec')).toEqual({ kind: 'staff', id: 'c2-sec', role: 'supervisor', unitId: 'c2' });
  });

  it('lets a supervisor reassign a case from a second post on its ladder; an old actor without posts decides as before', () => {
    const reassign = { type: 'reassign' as const, assigneeId: 'g-worker', reason: '协助' };
    expect(checkAction(caseOnG2, { action: reassign, actor: actorFor('c-sec') }, Date.now())).toBeUndefined();
    const recordedBeforePosts: Actor = { kind: 'staff', id: 'c-sec', role: 'supervisor', unitId: 'c' };
    expect(checkAction(caseOnG2, { action: reassign, actor: recordedBeforePosts }, Date.now())).toEqual({
      code: 'forbidden',
      key: 'refusal.caseActor.reassign',
    });
  });

  it('lets a supervisor log an obligation’s contacts from a second post on its units', () => {
    expect(supervisesObligation(actorFor('c-sec'), ['g2', 'c2', 's', 'd'])).toBe(true);
    expect(supervisesObligation(actorFor('c2-sec'), ['g', 'c'])).toBe(false);
  });
});
