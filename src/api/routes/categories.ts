/**
 * `GET /categories`: what an integration (or a staff member) may submit to `POST /cases` — each
 * category's id, its name, group and description in the caller's language (from the config's
 * localized names, Chinese when no English is given), its kind (a `dispute` needs `parties`) and
 * its default priority. Any authenticated caller; residents and anonymous callers get 401.
 */
import { Router } from 'express';
import type { GridflowConfig } from '../../config/schema';
import { requireCaller } from '../auth';
import { requestLocale } from '../locale';
import { localName } from '../open311/services';
import type { CategoryEntry } from '../schemas/categories';

export function categoryRoutes(deps: { config: GridflowConfig }): Router {
  const router = Router();
  router.get('/categories', (req, res) => {
    requireCaller(req);
    const locale = requestLocale(req);
    const categories: CategoryEntry[] = deps.config.categories.map((category) => ({
      id: category.id,
      name: localName(category.name, locale),
      ...(category.group ? { group: localName(category.group, locale) } : {}),
      ...(category.description ? { description: localName(category.description, locale) } : {}),
      kind: category.kind,
      defaultPriority: category.defaultPriority,
    }));
    res.json({ locale, categories });
  });
  return router;
}
