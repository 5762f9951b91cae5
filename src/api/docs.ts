/**
 * `/docs`: Swagger UI over the OpenAPI document. swagger-ui-express answers its page for any path
 * under the mount and a bare-text 404 for `…/package.json`; here only the page and the UI's own
 * files are served, and every other path falls through to the API's problem+json 404.
 */
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';

/** The files of swagger-ui-dist the page loads (and their source maps). */
const ASSET = /^\/(swagger-ui(-bundle|-standalone-preset)?\.(css|js)(\.map)?|index\.css|favicon-(16x16|32x32)\.png)$/;

export function docsRoutes(document: object, siteTitle: string): Router {
  const router = Router();
  const [init, assets] = swaggerUi.serve;
  const page = swaggerUi.setup(document, { customSiteTitle: siteTitle });
  // The page's links are relative (`./swagger-ui.css`): it must be read at `/docs/`.
  router.get('/', (req, res, next) => {
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, `${req.baseUrl}/`);
    return page(req, res, next);
  });
  router.get('/index.html', page);
  if (init) router.get('/swagger-ui-init.js', init);
  if (assets) router.get(ASSET, assets);
  return router;
}
