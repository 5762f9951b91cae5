// i18n-exempt-file: GeoReport v2 error descriptions are for the integrating developer, in English.
/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), a front door onto the same case
 * workflows as `POST /api/v1/cases`, for the civic apps and hotline systems that already speak
 * it. Mounted at `/open311/v2`; every resource comes as `.json` and `.xml`.
 */
import { WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Category } from '../../config/schema';
import type { Locale } from '../../domain/vocabulary';
import { toLocale, translator } from '../../i18n';
import { formatLocalTime } from '../../notifications/render';
import { DUE_AT, UNIT } from '../../temporal/search-attributes';
import { caseWorkflowId } from '../../workflows/case-definitions';
import { actorOf, type Principal } from '../auth';
import { buildCaseInput, callerKey, caseIdForIdempotencyKey } from '../case-intake';
import { caseFactsFromMemo, idempotencyKeySchema, startOrReplayCase, type CaseFacts } from '../case-submission';
import { integrationLookup } from '../api-keys';
import { checkAttributes } from './attributes';
import { caseIdOfToken, dedupCaseIds, DEDUP_WINDOW_MS, requestTokenFor, submissionFingerprint } from './dedup';
import { open311Error, open311ErrorHandler, open311NotFound } from './errors';
import { parseFormat, sendDocument, type Open311Format } from './format';
import { caseExists, listRequests, readSnapshot, readSnapshots, requestWindow } from './listing';
import { serviceRequestEntry, w3cTime, type PresentContext } from './requests';
import { attributeAnswersOf, bodyRecord, listRequestsSchema, postRequestSchema } from './schemas';
import { localName, open311Services, serviceAttributes, serviceDefinition, serviceEntry } from './services';
import type { ApiDeps } from '../deps';
import { issueText } from '../problem-document';
import { caseDescriptionOf, gridOf, submitBodyOf } from './submission';

/** What the Open311 routes need: the same dependencies as the rest of the API, and the intake limits (src/api/rate-limit.ts). */
export type Open311Deps = ApiDeps & { intakeLimits?: RequestHandler[] };

/** The spec's discovery token for this API. */
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** A form-encoded description of 4,000 Chinese characters is about 36 KB; attributes come on top. */
const BODY_LIMIT = '256kb';
const CASE_ID = /^c-[a-z2-7]{16}$/;

/** Who holds a case and its deadline now, as visibility has them: the answer to a retry. */
function standingOf(description: WorkflowExecutionDescription): { unitId: string; dueAt: string | undefined } {
  return { unitId: description.typedSearchAttributes.get(UNIT) ?? '', dueAt: description.typedSearchAttributes.get(DUE_AT)?.toISOString() };
}

/**
 * The GeoReport v2 router, to be mounted at `/open311/v2`. It parses its own bodies (form-encoded
 * with nested `attribute[code][]` as the spec requires, and JSON) and answers every error in the
 * spec's errors format, so it can sit in front of the API's problem+json handling.
 */
export function open311Routes(deps: Open311Deps): Router {
  const { config, org, client } = deps;
  const now = deps.now ?? (() => new Date());
  const timeZone = config.city.timeZone;
  const findIntegration = integrationLookup(config);
  const services = new Map(open311Services(config).map((category) => [category.id, category]));
  const categories = new Map(config.categories.map((category) => [category.id, category]));
  // Sortable and changes whenever the process (and so the configured services) is reloaded.
  const changeset = w3cTime(now().toISOString(), timeZone);
  const router = Router();

  // Flat keys (`attribute[code]` stays one key): the nested parser silently drops `attribute[__proto__]`,
  // which must be refused as an unknown attribute, not ignored. attributeAnswersOf reads the flat keys.
  router.use(express.urlencoded({ extended: false, limit: BODY_LIMIT }));
  router.use(express.json({ limit: BODY_LIMIT }));
  router.param('format', (_req, _res, next, value: string) => {
    next(parseFormat(value) ? undefined : open311Error(404, `unknown format "${value}": use .json or .xml`));
  });

  const param = (req: Request, name: string): string => {
    const value = req.params[name];
    return typeof value === 'string' ? value : '';
  };
  const formatOf = (req: Request): Open311Format => parseFormat(param(req, 'format')) ?? 'json';
  const localeOf = (req: Request): Locale => toLocale(req.acceptsLanguages('zh-CN', 'zh', 'en') || undefined, config.city.defaultLocale);
  const presentContext = (req: Request): PresentContext => {
    const locale = localeOf(req);
    return { org, categories, locale, timeZone, t: translator(locale) };
  };
  const serviceOr404 = (code: string): Category => {
    const category = services.get(code);
    if (!category) throw open311Error(404, `service_code "${code}" not found`);
    return category;
  };

  router.get('/discovery.:format', (req, res) => {
    const t = translator(localeOf(req));
    sendDocument(res, formatOf(req), 'discovery', {
      changeset,
      contact: t('open311.contact', { city: localName(config.city.name, localeOf(req)) }),
      key_service: t('open311.key_service'),
      endpoints: [
        {
          specification: SPECIFICATION,
          url: `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`,
          changeset,
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ],
    });
  });

  router.get('/services.:format', (req, res) => {
    const locale = localeOf(req);
    sendDocument(
      res,
      formatOf(req),
      'services',
      [...services.values()].map((category) => serviceEntry(category, locale)),
    );
  });

  router.get('/services/:code.:format', (req, res) => {
    const locale = localeOf(req);
    sendDocument(res, formatOf(req), 'service_definition', serviceDefinition(serviceOr404(param(req, 'code')), locale, translator(locale)));
  });

  /** A submission checked in the spec's order: api_key (403), arguments, service (404), attributes and place (400, all at once). */
  function readSubmission(req: Request) {
    const body = bodyRecord(req.body);
    // The spec sends api_key in the form; some clients put it in the query or use our X-API-Key header.
    const apiKey = [body.api_key, req.query.api_key, req.get('x-api-key')].find((value): value is string => typeof value === 'string' && value !== '');
    if (apiKey === undefined) throw open311Error(403, 'api_key was not provided');
    const integration = findIntegration(apiKey);
    if (!integration) throw open311Error(403, 'invalid api_key');

    const parsed = postRequestSchema.safeParse(body);
    if (!parsed.success) throw open311Error(400, ...parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issueText(issue, 'en')}`));
    const args = parsed.data;
    if (args.service_code === undefined) throw open311Error(400, 'service_code was not provided');
    const category = serviceOr404(args.service_code);
    const sent = attributeAnswersOf(body);
    if ('error' in sent) throw open311Error(400, sent.error);
    // Answers are shown to the grid worker, so in the city's staff language.
    const attributes = checkAttributes(serviceAttributes(category), sent.answers, config.city.defaultLocale, timeZone);
    const place = gridOf(org, args);
    if (attributes.errors.length > 0 || 'errors' in place) throw open311Error(400, ...attributes.errors, ...('errors' in place ? place.errors : []));

    const idempotencyKey = req.get('idempotency-key');
    const keyCheck = idempotencyKey === undefined ? undefined : idempotencyKeySchema.safeParse(idempotencyKey);
    if (keyCheck && !keyCheck.success)
      throw open311Error(400, `Idempotency-Key: ${keyCheck.error.issues[0] ? issueText(keyCheck.error.issues[0], 'en') : 'invalid'}`);
    // The choices of a multivaluelist are a set: a retry may list them in another order.
    const choices = Object.fromEntries(Object.entries(sent.answers).map(([code, value]) => [code, Array.isArray(value) ? [...value].sort() : value]));
    const principal: Principal = { kind: 'integration', integration };
    return {
      principal,
      args,
      category,
      answers: attributes.answers,
      gridId: place.gridId,
      idempotencyKey,
      fingerprint: submissionFingerprint({ ...args, attribute: choices }),
    };
  }

  // Limited after the body parsers, so a key sent in the form counts against its own budget.
  router.post('/requests.:format', ...(deps.intakeLimits ?? []), async (req, res) => {
    const format = formatOf(req);
    const { principal, args, category, answers, gridId, idempotencyKey, fingerprint } = readSubmission(req);
    const at = now();
    const replay = (id: string, description: WorkflowExecutionDescription) =>
      sendReceipt(req, res, format, { id, replayed: true, ...standingOf(description), accountId: args.account_id });

    let caseId: string;
    if (idempotencyKey !== undefined) {
      caseId = caseIdForIdempotencyKey(callerKey(principal), idempotencyKey);
    } else {
      const ids = dedupCaseIds(callerKey(principal), fingerprint, at.getTime());
      const earlier = await recentDuplicate(ids.previous, fingerprint, at);
      if (earlier) return replay(ids.previous, earlier);
      caseId = ids.current;
    }

    const lang = localeOf(req);
    const staffLocale = config.city.defaultLocale;
    const description = caseDescriptionOf(translator(staffLocale), localName(category.name, staffLocale), args.description, answers, args.media_url);
    const input = buildCaseInput({ config, org }, submitBodyOf(args, category.id, gridId, description, lang), actorOf(principal), caseId, at, lang);
    // The public record keeps what the client sent; the answers live in the case description.
    const facts: CaseFacts = {
      submittedAt: input.submittedAt,
      description: args.description ?? '',
      address: input.address,
      location: input.location,
      mediaUrl: args.media_url,
    };
    const outcome = await startOrReplayCase({ client, taskQueue: deps.taskQueue, input, requestHash: fingerprint, facts, logger: deps.logger });
    if (outcome.kind === 'conflict') throw open311Error(400, 'Idempotency-Key: already used for a different request');
    if (outcome.kind === 'replayed') return replay(caseId, outcome.description);
    return sendReceipt(req, res, format, {
      id: caseId,
      replayed: false,
      unitId: input.ladder[0]?.unitId ?? '',
      dueAt: outcome.dueAt,
      accountId: args.account_id,
    });
  });

  /** The execution an identical submission started in the previous bucket, if recent enough to be a retry of it. */
  async function recentDuplicate(caseId: string, fingerprint: string, at: Date): Promise<WorkflowExecutionDescription | undefined> {
    let description: WorkflowExecutionDescription;
    try {
      description = await client.workflow.getHandle(caseWorkflowId(caseId)).describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
    const facts = caseFactsFromMemo(description.memo);
    const fresh = facts !== undefined && at.getTime() - Date.parse(facts.submittedAt) <= DEDUP_WINDOW_MS;
    return description.memo?.requestHash === fingerprint && fresh ? description : undefined;
  }

  /** The POST answer: the spec's service_requests document with the id (realtime services return no token in the body). */
  function sendReceipt(
    req: Request,
    res: Response,
    format: Open311Format,
    receipt: { id: string; replayed: boolean; unitId: string; dueAt: string | undefined; accountId: string | undefined },
  ): void {
    const locale = localeOf(req);
    const t = translator(locale);
    const unit = org.unit(receipt.unitId);
    const unitName = unit ? localName(unit.name, locale) : receipt.unitId;
    const notice = receipt.dueAt
      ? t('open311.service_notice', { unit: unitName, dueAt: formatLocalTime(receipt.dueAt, timeZone) })
      : t('open311.service_notice_received', { unit: unitName });
    res.location(`${req.baseUrl}/requests/${receipt.id}.${format}`);
    // The spec forbids a token next to an id in the body; clients that track tokens get it here.
    res.set('Open311-Token', requestTokenFor(deps.authSecret, receipt.id));
    if (receipt.replayed) res.set('Idempotent-Replayed', 'true');
    sendDocument(res, format, 'service_requests', [{ service_request_id: receipt.id, service_notice: notice, account_id: receipt.accountId ?? null }], 201);
  }

  router.get('/requests.:format', async (req, res) => {
    const parsed = listRequestsSchema.safeParse(req.query);
    if (!parsed.success) throw open311Error(400, ...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issueText(issue, 'en')}`));
    const args = parsed.data;
    const ctx = presentContext(req);
    // The spec: a list of ids overrides every other argument.
    if (args.service_request_id.length > 0) {
      const snapshots = await readSnapshots(
        client,
        args.service_request_id.filter((id) => CASE_ID.test(id)),
      );
      const published = snapshots.filter((snapshot) => services.has(snapshot.category));
      sendDocument(
        res,
        formatOf(req),
        'service_requests',
        published.map((snapshot) => serviceRequestEntry(ctx, snapshot)),
      );
      return;
    }
    const unknown = args.service_code.filter((code) => !services.has(code));
    if (unknown.length > 0) throw open311Error(404, ...unknown.map((code) => `service_code "${code}" not found`));
    const window = requestWindow(args.start_date, args.end_date, now(), timeZone);
    if ('errors' in window) throw open311Error(400, ...window.errors);
    const serviceCodes = args.service_code.length > 0 ? args.service_code : [...services.keys()];
    const snapshots = await listRequests(client, { rootUnitId: org.root.id, window, serviceCodes, statuses: args.status });
    sendDocument(
      res,
      formatOf(req),
      'service_requests',
      snapshots.map((snapshot) => serviceRequestEntry(ctx, snapshot)),
    );
  });

  router.get('/requests/:id.:format', async (req, res) => {
    const id = param(req, 'id');
    const snapshot = CASE_ID.test(id) ? await readSnapshot(client, id) : undefined;
    // Only cases of Open311 services are published (never disputes).
    if (!snapshot || !services.has(snapshot.category)) throw open311Error(404, `service_request_id "${id}" not found`);
    sendDocument(res, formatOf(req), 'service_requests', [serviceRequestEntry(presentContext(req), snapshot)]);
  });

  router.get('/tokens/:token.:format', async (req, res) => {
    const token = param(req, 'token');
    const caseId = caseIdOfToken(deps.authSecret, token);
    const exists = caseId !== undefined && (await caseExists(client, caseId));
    if (!exists) throw open311Error(404, `token "${token}" not found`);
    sendDocument(res, formatOf(req), 'service_requests', [{ service_request_id: caseId, token }]);
  });

  router.use(open311NotFound);
  router.use(open311ErrorHandler(deps.logger));
  return router;
}
