/**
 * `/me`: who the signed-in staff member is and the directory of their part of the tree — unit
 * and staff names, categories in their language, the city's zone — so a client (the dashboard)
 * can show names instead of ids without reading the whole config. Scoped: nothing outside the
 * caller's subtree is listed.
 */
import { Router } from 'express';
import type { GridflowConfig } from '../../config/schema';
import type { OrgTree } from '../../domain/org-tree';
import { postsOf } from '../../domain/directory-rules';
import { requireStaff } from '../auth';
import { scopeRootsOf, unitsInScope } from '../access';
import { requestLocale } from '../locale';

/** A name in the caller's language, falling back to Chinese. */
function localName(name: { 'zh-CN': string; en?: string | undefined }, locale: 'zh-CN' | 'en'): string {
  return (locale === 'en' ? name.en : undefined) ?? name['zh-CN'];
}

export function meRoutes(deps: { config: GridflowConfig; org: OrgTree }): Router {
  const { config, org } = deps;
  const router = Router();

  router.get('/me', (req, res) => {
    const staff = requireStaff(req);
    const locale = requestLocale(req);
    const scopes = scopeRootsOf(staff, org);
    const scope = scopes[0]!;
    const units = unitsInScope(staff, org);
    const inScope = new Set(units.map((unit) => unit.id));
    res.json({
      staff: { id: staff.id, name: staff.name, role: staff.role, unit: staff.unit, posts: postsOf(staff), locale: staff.locale },
      locale,
      scope,
      /** Every subtree the caller sees: one per post (the first is `scope`). */
      scopes,
      city: { name: localName(config.city.name, locale), timeZone: config.city.timeZone },
      units: units.map((unit) => ({
        id: unit.id,
        name: localName(unit.name, locale),
        level: unit.level,
        parent: scopes.includes(unit.id) ? undefined : unit.parent,
      })),
      staffDirectory: org
        .allStaff()
        .filter((person) => postsOf(person).some((post) => inScope.has(post.unit)))
        .map((person) => ({ id: person.id, name: person.name, role: person.role, unit: person.unit })),
      categories: config.categories.map((category) => ({ id: category.id, name: localName(category.name, locale) })),
    });
  });

  return router;
}
