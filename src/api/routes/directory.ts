/**
 * The directory's admin API (issue 16): list and read units and staff, add and edit them (move a
 * person, move a grid to another community, change a unit's duty officer, addresses and bounds),
 * read the audit. Admins only, and only within the subtrees of their admin posts: an admin of one
 * street cannot touch another. Every answer carries the directory `version`; a single entry also
 * its `revision` as ETag, and an edit sent with `If-Match` is refused with 412 when someone changed
 * the entry since. Deactivating a leaver is the hand-over's route (it names a successor), not an edit.
 *
 * Without a records store the directory is the config file: readable here, not writable (409).
 */
import { Router, type Request, type Response } from 'express';
import type { Staff, Unit } from '../../domain/org-types';
import { addStaff, addUnit, editStaff, editUnit, type ChangePlanner } from '../../directory/directory-changes';
import type { DirectoryStore } from '../../directory/directory-store';
import { postsOf } from '../../domain/directory-rules';
import type { OrgTree } from '../../domain/org-tree';
import { message } from '../../i18n/message';
import { adminRootsOf, isWithinAny } from '../access';
import { requireStaff } from '../auth';
import { directoryProblem, etagOf } from '../directory-problem';
import { fieldProblem, parseOr400, problem } from '../errors';
import {
  auditQuerySchema,
  directoryIdParam,
  newStaffSchema,
  newUnitSchema,
  staffEditSchema,
  staffListQuerySchema,
  unitEditSchema,
  unitListQuerySchema,
} from '../schemas/directory';

export interface DirectoryRouteDeps {
  org: OrgTree;
  /** The records-store directory; absent, the directory is the config file and read-only. */
  directory?: DirectoryStore | undefined;
}

/** `If-Match: "12"` (or `W/"12"`) → 12; `*` or absent → no precondition. */
function ifMatchOf(req: Request): number | undefined {
  const header = req.get('if-match');
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  if (!match) throw fieldProblem('headers.if-match', 'field.directory.ifMatch');
  return Number(match[1]);
}

export function directoryRoutes(deps: DirectoryRouteDeps): Router {
  const { org, directory } = deps;
  const router = Router();

  /** The admin asking and the roots of what they administer; 403 for anyone else. */
  function requireAdmin(req: Request): { admin: Staff; roots: string[] } {
    const admin = requireStaff(req);
    const roots = adminRootsOf(admin);
    if (roots.length === 0) throw problem(403, 'forbidden', message('detail.directory.adminsOnly'));
    return { admin, roots };
  }

  const unitInScope = (roots: readonly string[], unitId: string) => isWithinAny(org, roots, unitId);
  const requireUnitInScope = (roots: readonly string[], unitId: string) => {
    if (org.unit(unitId) && !unitInScope(roots, unitId)) throw problem(403, 'forbidden', message('detail.directory.unitOutOfScope', { unit: unitId }));
  };
  /** Someone is in an admin's scope when every post they hold is: editing them touches each. */
  const requireStaffInScope = (roots: readonly string[], person: Staff) => {
    if (!postsOf(person).every((post) => !org.unit(post.unit) || unitInScope(roots, post.unit))) {
      throw problem(403, 'forbidden', message('detail.directory.staffOutOfScope', { staff: person.id }));
    }
  };

  /** Posts held per unit and duty units per person, counted once per answer. */
  function indexes() {
    const postsByUnit = new Map<string, number>();
    for (const person of org.allStaff())
      for (const unit of new Set(postsOf(person).map((post) => post.unit))) postsByUnit.set(unit, (postsByUnit.get(unit) ?? 0) + 1);
    const dutiesOf = new Map<string, string[]>();
    for (const unit of org.allUnits()) dutiesOf.set(unit.dutyOfficer, [...(dutiesOf.get(unit.dutyOfficer) ?? []), unit.id]);
    return { postsByUnit, dutiesOf };
  }

  function unitView(unit: Unit, index = indexes()) {
    return {
      id: unit.id,
      level: unit.level,
      ...(unit.parent === undefined ? {} : { parent: unit.parent }),
      name: unit.name,
      dutyOfficer: { id: unit.dutyOfficer, name: org.person(unit.dutyOfficer)?.name },
      addresses: unit.addresses,
      ...(unit.bounds === undefined ? {} : { bounds: unit.bounds }),
      children: org.children(unit.id).length,
      staff: index.postsByUnit.get(unit.id) ?? 0,
      revision: org.revisionOf('unit', unit.id),
    };
  }

  function staffView(person: Staff, index = indexes()) {
    return {
      id: person.id,
      name: person.name,
      email: person.email,
      ...(person.phone === undefined ? {} : { phone: person.phone }),
      role: person.role,
      unit: person.unit,
      posts: postsOf(person),
      locale: person.locale,
      active: person.active !== false,
      dutyOfficerOf: person.active === false ? [] : (index.dutiesOf.get(person.id) ?? []),
      revision: org.revisionOf('staff', person.id),
    };
  }

  function unitOr404(id: string): Unit {
    const unit = org.unit(id);
    if (!unit) throw problem(404, 'not_found', message('detail.directory.noSuchUnit', { unit: id }));
    return unit;
  }

  function staffOr404(id: string): Staff {
    const person = org.person(id);
    if (!person) throw problem(404, 'not_found', message('detail.directory.noSuchStaff', { staff: id }));
    return person;
  }

  /** Applies a change as `admin`; the answer is read from this process's tree, which already holds it. */
  async function change(admin: Staff, planner: ChangePlanner, ifMatch?: number): Promise<number> {
    if (!directory) throw problem(409, 'conflict', message('detail.directory.readOnly'));
    try {
      return (await directory.apply(planner, { actorId: admin.id, ifMatch })).version;
    } catch (error) {
      throw directoryProblem(error) ?? error;
    }
  }

  const sendEntry = (res: Response, status: number, body: { version: number } & Record<string, unknown>, revision: number) => {
    res.status(status).set('ETag', etagOf(revision)).json(body);
  };

  router.get('/admin/directory', (req, res) => {
    const { roots } = requireAdmin(req);
    res.json({ version: org.version, source: directory ? 'store' : 'config', writable: directory !== undefined, scopes: roots });
  });

  router.get('/admin/units', (req, res) => {
    const { roots } = requireAdmin(req);
    const query = parseOr400(unitListQuerySchema, req.query, 'query');
    if (query.parent !== undefined) {
      unitOr404(query.parent);
      requireUnitInScope(roots, query.parent);
    }
    const index = indexes();
    const units = org
      .allUnits()
      .filter((unit) => unitInScope(roots, unit.id))
      .filter((unit) => query.parent === undefined || unit.parent === query.parent)
      .filter((unit) => query.level === undefined || unit.level === query.level);
    res.json({ version: org.version, units: units.map((unit) => unitView(unit, index)) });
  });

  router.get('/admin/units/:id', (req, res) => {
    const { roots } = requireAdmin(req);
    const unit = unitOr404(parseOr400(directoryIdParam, req.params.id, 'params.id'));
    requireUnitInScope(roots, unit.id);
    const index = indexes();
    const staff = org.allStaff().filter((person) => postsOf(person).some((post) => post.unit === unit.id));
    sendEntry(
      res,
      200,
      { version: org.version, unit: unitView(unit, index), staff: staff.map((person) => staffView(person, index)) },
      org.revisionOf('unit', unit.id),
    );
  });

  router.post('/admin/units', async (req, res) => {
    const { admin, roots } = requireAdmin(req);
    const body = parseOr400(newUnitSchema, req.body, 'body');
    // An unknown parent is left to the directory's rules, which name the field.
    if (body.parent !== undefined) requireUnitInScope(roots, body.parent);
    const officer = org.person(body.dutyOfficer);
    if (officer) requireStaffInScope(roots, officer);
    const version = await change(admin, addUnit(body));
    const unit = unitOr404(body.id);
    res.location(`/api/v1/admin/units/${unit.id}`);
    sendEntry(res, 201, { version, unit: unitView(unit) }, org.revisionOf('unit', unit.id));
  });

  router.patch('/admin/units/:id', async (req, res) => {
    const { admin, roots } = requireAdmin(req);
    const current = unitOr404(parseOr400(directoryIdParam, req.params.id, 'params.id'));
    const ifMatch = ifMatchOf(req);
    const body = parseOr400(unitEditSchema, req.body, 'body');
    requireUnitInScope(roots, current.id);
    if (body.level !== undefined && body.level !== current.level) throw fieldProblem('body.level', 'field.directory.levelFixed');
    if (body.parent !== undefined) requireUnitInScope(roots, body.parent);
    const officer = body.dutyOfficer === undefined ? undefined : org.person(body.dutyOfficer);
    if (officer) requireStaffInScope(roots, officer);
    const { level: _level, ...edit } = body;
    const version = await change(admin, editUnit(current.id, edit), ifMatch);
    const unit = unitOr404(current.id);
    sendEntry(res, 200, { version, unit: unitView(unit) }, org.revisionOf('unit', unit.id));
  });

  router.get('/admin/staff', (req, res) => {
    const { roots } = requireAdmin(req);
    const query = parseOr400(staffListQuerySchema, req.query, 'query');
    if (query.unit !== undefined) {
      unitOr404(query.unit);
      requireUnitInScope(roots, query.unit);
    }
    const within = query.unit === undefined ? roots : [query.unit];
    const needle = query.q?.toLowerCase();
    const index = indexes();
    const people = org
      .allPeople()
      .filter((person) => query.active === 'all' || (person.active !== false) === (query.active === 'true'))
      .filter((person) => postsOf(person).some((post) => isWithinAny(org, within, post.unit)))
      .filter((person) => needle === undefined || [person.id, person.name, person.email].some((text) => text.toLowerCase().includes(needle)));
    res.json({ version: org.version, staff: people.map((person) => staffView(person, index)) });
  });

  router.get('/admin/staff/:id', (req, res) => {
    const { roots } = requireAdmin(req);
    const person = staffOr404(parseOr400(directoryIdParam, req.params.id, 'params.id'));
    if (!postsOf(person).some((post) => unitInScope(roots, post.unit)))
      throw problem(403, 'forbidden', message('detail.directory.staffOutOfScope', { staff: person.id }));
    sendEntry(res, 200, { version: org.version, staff: staffView(person) }, org.revisionOf('staff', person.id));
  });

  router.post('/admin/staff', async (req, res) => {
    const { admin, roots } = requireAdmin(req);
    const body = parseOr400(newStaffSchema, req.body, 'body');
    for (const unitId of [body.unit, ...(body.posts ?? []).map((post) => post.unit), ...(body.dutyOfficerOf ?? [])]) requireUnitInScope(roots, unitId);
    const version = await change(admin, addStaff(body));
    const person = staffOr404(body.id);
    res.location(`/api/v1/admin/staff/${person.id}`);
    sendEntry(res, 201, { version, staff: staffView(person) }, org.revisionOf('staff', person.id));
  });

  router.patch('/admin/staff/:id', async (req, res) => {
    const { admin, roots } = requireAdmin(req);
    const current = staffOr404(parseOr400(directoryIdParam, req.params.id, 'params.id'));
    const ifMatch = ifMatchOf(req);
    const body = parseOr400(staffEditSchema, req.body, 'body');
    requireStaffInScope(roots, current);
    for (const unitId of [...(body.unit === undefined ? [] : [body.unit]), ...(body.posts ?? []).map((post) => post.unit), ...(body.dutyOfficerOf ?? [])])
      requireUnitInScope(roots, unitId);
    const version = await change(admin, editStaff(current.id, body), ifMatch);
    const person = staffOr404(current.id);
    sendEntry(res, 200, { version, staff: staffView(person) }, org.revisionOf('staff', person.id));
  });

  router.get('/admin/audit', async (req, res) => {
    const { roots } = requireAdmin(req);
    const query = parseOr400(auditQuerySchema, req.query, 'query');
    if (!directory) return void res.json({ version: org.version, entries: [] });
    const inScope = (kind: 'unit' | 'staff', id: string) => {
      if (kind === 'unit') return !org.unit(id) || unitInScope(roots, id);
      const person = org.person(id);
      return !person || postsOf(person).some((post) => unitInScope(roots, post.unit));
    };
    if (query.kind !== undefined && query.id !== undefined && !inScope(query.kind, query.id)) {
      throw problem(
        403,
        'forbidden',
        message(query.kind === 'unit' ? 'detail.directory.unitOutOfScope' : 'detail.directory.staffOutOfScope', { unit: query.id, staff: query.id }),
      );
    }
    // Rows outside the admin's scope are left out: read a few pages' worth and keep theirs; the
    // cursor is the last row looked at, so the next page goes on from there.
    const fetched = query.limit * 4;
    const rows = await directory.auditLog({ kind: query.kind, id: query.id, after: query.cursor, limit: fetched });
    const entries: typeof rows = [];
    let cursor: (typeof rows)[number] | undefined;
    for (const row of rows) {
      if (entries.length === query.limit) break;
      cursor = row;
      if (inScope(row.target.kind, row.target.id)) entries.push(row);
    }
    const more = cursor !== undefined && (entries.length === query.limit || rows.length === fetched);
    const next = new URLSearchParams({
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.id ? { id: query.id } : {}),
      limit: String(query.limit),
      cursor: `${cursor?.version}-${cursor?.seq}`,
    });
    res.json({ version: org.version, entries, ...(more ? { next: `/api/v1/admin/audit?${next.toString()}` } : {}) });
  });

  return router;
}
