/**
 * `createApp(deps)`: the Express application, built without listening so tests can mount it on
 * port 0 and production on PORT.
 */
import express, { type Express } from 'express';
import type { ApiDeps } from './deps';
import { authenticate } from './auth';
import { httpMetrics } from '../metrics/http';
import { registerCaseGauges } from '../metrics/case-gauges';
import { dashboardRoutes } from './dashboard';
import { docsRoutes } from './docs';
import { errorHandler, notFoundHandler } from './errors';
import { installLocaleSettings } from './locale';
import { methodNotAllowed } from './method-not-allowed';
import { open311Routes } from './open311/router';
import { openApiDocument } from './openapi';
import { intakeLimiters } from './rate-limit';
import { caseRoutes } from './routes/cases';
import { categoryRoutes } from './routes/categories';
import { directoryRoutes } from './routes/directory';
import { meRoutes } from './routes/me';
import { metricsRoutes } from './routes/metrics';
import { healthRoutes } from './routes/health';
import { mediationRoutes } from './routes/mediations';
import { obligationRoutes } from './routes/obligations';
import { reportRoutes } from './routes/reports';
import { supervisionRoutes } from './routes/supervision';
import { handOverRoutes } from './routes/hand-over';

/** Largest accepted JSON body: a description is at most 4,000 characters. */
const BODY_LIMIT = '64kb';

/**
 * The whole HTTP surface on one Express app: metrics, health, docs and the dashboard, then the
 * authenticated `/api/v1` routes, then Open311 with its own errors, then the one error handler.
 */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // No header is believed by default: a client could otherwise name any address and dodge the per-IP limits.
  const trustProxy = deps.trustProxy ?? [];
  app.set('trust proxy', trustProxy.length > 0 ? [...trustProxy] : false);
  app.set('query parser', 'simple');
  installLocaleSettings(app, deps.config);

  const document = openApiDocument();
  app.use(httpMetrics());
  registerCaseGauges(deps.client);
  // Before the routes: PUT on a known path is 405 with Allow, whoever asks.
  app.use(methodNotAllowed(document));
  const calendar = { calendar: deps.config.calendar, zone: deps.config.city.timeZone };
  app.use(metricsRoutes({ ...deps.metrics, calendar, behindProxy: trustProxy.length > 0 }));
  app.use(healthRoutes(deps.client, calendar));
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/dashboard', dashboardRoutes());
  app.use('/docs', docsRoutes(document, 'gridflow API'));

  const api = express.Router();
  api.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  // Abuse limits on intake: per IP before authentication, so guessed credentials count too;
  // per key after it, so the budget belongs to the verified caller.
  const limits = intakeLimiters(deps.config.rateLimits.intake);
  api.post('/cases', limits.perIp);
  api.use(authenticate({ config: deps.config, secret: deps.authSecret, org: deps.org }));
  api.post('/cases', limits.perKey);
  api.use(
    caseRoutes({
      config: deps.config,
      org: deps.org,
      client: deps.client,
      taskQueue: deps.taskQueue,
      authSecret: deps.authSecret,
      now: deps.now ?? (() => new Date()),
      records: deps.records,
      logger: deps.logger,
    }),
  );
  const now = deps.now ?? (() => new Date());
  api.use(supervisionRoutes({ client: deps.client, org: deps.org, now, records: deps.records }));
  api.use(meRoutes({ config: deps.config, org: deps.org }));
  api.use(categoryRoutes({ config: deps.config }));
  api.use(mediationRoutes({ config: deps.config, org: deps.org, client: deps.client, now, records: deps.records, logger: deps.logger }));
  api.use(
    obligationRoutes({ config: deps.config, org: deps.org, client: deps.client, taskQueue: deps.taskQueue, now, records: deps.records, logger: deps.logger }),
  );
  api.use(handOverRoutes({ org: deps.org, client: deps.client, taskQueue: deps.taskQueue, directory: deps.directory }));
  if (deps.records) api.use(reportRoutes({ config: deps.config, org: deps.org, records: deps.records, now }));
  api.use(directoryRoutes({ org: deps.org, directory: deps.directory }));
  app.use('/api/v1', api);
  // GeoReport v2 for existing civic apps and hotlines: its own parsers, errors and 404s.
  app.use('/open311/v2', open311Routes({ ...deps, intakeLimits: [limits.perIp, limits.perKey] }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
