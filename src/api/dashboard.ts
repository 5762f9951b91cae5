/**
 * `/dashboard`: the supervisors' page. Static files (HTML, a few ES modules, one stylesheet) from
 * src/dashboard/public, served with a strict Content-Security-Policy (nothing from elsewhere, no
 * inline script), and the page's words as JSON from the catalogs. The page signs in with a staff
 * token and reads everything through the same API, scoped the same way.
 */
import path from 'node:path';
import express, { Router } from 'express';
import { CATALOGS } from '../i18n';
import { PROJECT_ROOT } from '../project-root';
import type { Locale } from '../domain/vocabulary';
import { message } from '../i18n/message';
import { ProblemError } from './errors';
import { requestLocale } from './locale';

/** Where the page's files live, in a source checkout and beside a build alike. */
export const DASHBOARD_ROOT = path.join(PROJECT_ROOT, 'src', 'dashboard', 'public');

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The catalog sections the page uses. */
function pageMessages(locale: Locale) {
  const catalog = CATALOGS[locale];
  return {
    locale,
    dashboard: catalog.dashboard,
    level: catalog.level,
    status: catalog.status,
    priority: catalog.priority,
    event: catalog.event,
    actor: catalog.actor,
    problem: catalog.problem,
    systemReason: catalog.systemReason,
  };
}

export function dashboardRoutes(): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'no-referrer');
    next();
  });
  router.get('/messages.json', (req, res) => {
    const asked = req.query.lang;
    // Own keys only: `in` would take `constructor` or `toString` from Object.prototype for a catalog.
    if (asked !== undefined && !(typeof asked === 'string' && Object.hasOwn(CATALOGS, asked))) {
      const refusal = message('detail.unsupportedLang', { lang: typeof asked === 'string' ? asked : '', supported: Object.keys(CATALOGS).join(', ') });
      throw new ProblemError(400, 'bad_request', refusal, [{ field: 'query.lang', message: refusal }]);
    }
    const lang = asked === undefined ? requestLocale(req) : (asked as Locale);
    res.set('Cache-Control', 'no-cache').json(pageMessages(lang));
  });
  router.use(express.static(DASHBOARD_ROOT, { index: 'index.html', fallthrough: true, maxAge: 0 }));
  return router;
}
