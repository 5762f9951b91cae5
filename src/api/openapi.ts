// i18n-exempt-file: the OpenAPI document is written for developers integrating with the API.
/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, so the
 * contract and the checks cannot drift apart.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { caseActionSchema, caseListQuerySchema, caseSubmittedSchema, caseViewSchema, feedbackSchema, submitCaseSchema } from './schemas/cases';
import { categoryListSchema } from './schemas/categories';
import { registerDirectoryPaths } from './directory-openapi';
import { problemResponses } from './schemas/common';
import { caseReportSchema, mediationReportSchema, obligationReportSchema, reportQuerySchema } from './schemas/reports';
import { mediationActionSchema, mediationViewSchema } from './schemas/mediations';
import { overdueQuerySchema, summaryQuerySchema } from './schemas/supervision';
import { changeObligeeSchema, complianceQuerySchema, createObligationSchema, logContactSchema, obligationListQuerySchema } from './schemas/obligations';
import { deactivateStaffSchema, handOverAcceptedSchema, handOverProgressSchema } from './schemas/hand-over';

const caseIdParams = z.object({ id: z.string().meta({ example: 'c-abcdefgh23456789' }) });
const idempotencyHeader = z.object({
  'Idempotency-Key': z.string().max(255).optional().meta({ description: 'Same key from the same caller → the same case' }),
});

function buildRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  registry.registerComponent('securitySchemes', 'caseToken', { type: 'apiKey', in: 'header', name: 'X-Case-Token' });
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const staffOrIntegration: Record<string, string[]>[] = [{ bearer: [] }, { apiKey: [] }];

  registry.registerPath({
    method: 'post',
    path: '/api/v1/cases',
    summary: 'Submit a service request',
    security: staffOrIntegration,
    request: { headers: idempotencyHeader, body: { content: json(submitCaseSchema) } },
    responses: { 201: { description: 'The case, routed and assigned', content: json(caseSubmittedSchema) }, ...problemResponses },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/cases',
    summary: "List cases in the caller's subtree (from Temporal visibility)",
    security: [{ bearer: [] }],
    request: { query: caseListQuerySchema },
    responses: { 200: { description: 'Matching cases' }, ...problemResponses },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/cases/{id}',
    summary: 'Read a case and its timeline',
    security: [...staffOrIntegration, { caseToken: [] }],
    request: { params: caseIdParams },
    responses: { 200: { description: 'The case', content: json(caseViewSchema) }, ...problemResponses },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/cases/{id}/actions',
    summary: 'Take a step on a case (acknowledge, resolve, escalate, ...)',
    security: [...staffOrIntegration, { caseToken: [] }],
    request: { params: caseIdParams, body: { content: json(caseActionSchema) } },
    responses: { 200: { description: 'The case after the step', content: json(caseViewSchema) }, ...problemResponses },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/cases/{id}/feedback',
    summary: 'The resident confirms (closes) or reopens a resolved case',
    security: [{ caseToken: [] }, { apiKey: [] }],
    request: { params: caseIdParams, body: { content: json(feedbackSchema) } },
    responses: { 200: { description: 'The case after the feedback', content: json(caseViewSchema) }, ...problemResponses },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/categories',
    summary: 'The categories a caller may submit, named in its language',
    description: 'Take `category` for POST /api/v1/cases from here. Names, groups and descriptions follow Accept-Language (zh-CN, en).',
    security: staffOrIntegration,
    responses: { 200: { description: 'Every category of the city', content: json(categoryListSchema) }, ...problemResponses },
  });
  registerSupervisionAndObligations(registry, json);
  registerReports(registry);
  registerDirectoryPaths(registry);
  registerHandOver(registry, json);
  const mediationParams = z.object({ id: z.string().meta({ example: 'm-abcdefgh23456789' }) });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/mediations/{id}',
    summary: 'A dispute mediation: stage, parties, sessions, agreement, timeline',
    security: [{ bearer: [] }, { apiKey: [] }],
    request: { params: mediationParams },
    responses: { 200: { description: 'The mediation', content: json(mediationViewSchema) }, ...problemResponses },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/mediations/{id}/actions',
    summary: 'Take a mediation step (consent, assign_mediator, schedule_session, …)',
    security: [{ bearer: [] }, { apiKey: [] }],
    request: { params: mediationParams, body: { content: json(mediationActionSchema) } },
    responses: { 200: { description: 'The mediation after the step', content: json(mediationViewSchema) }, ...problemResponses },
  });
  return registry;
}

function registerSupervisionAndObligations(registry: OpenAPIRegistry, json: (schema: z.ZodType) => Record<string, { schema: z.ZodType }>): void {
  const staff = [{ bearer: [] }];
  const obligationParams = z.object({ id: z.string().meta({ example: 'o-qu-guilan-santang-1-p7d' }) });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/supervision/overdue',
    summary: 'Overdue cases in the subtree, longest overdue first',
    security: staff,
    request: { query: overdueQuerySchema },
    responses: { 200: { description: 'Overdue cases' }, ...problemResponses },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/me',
    summary: 'The signed-in staff member and the names of the units, staff and categories in their subtree',
    security: staff,
    responses: { 200: { description: 'Who is signed in, and their directory' }, ...problemResponses },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/supervision/summary',
    summary: 'Counts by status × level, cases about to breach, load per assignee, per child unit',
    security: staff,
    request: { query: summaryQuerySchema },
    responses: { 200: { description: 'Summary' }, ...problemResponses },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/obligations',
    summary: 'Create a contact obligation',
    security: staff,
    request: { body: { content: json(createObligationSchema) } },
    responses: { 201: { description: 'Created' }, ...problemResponses },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/obligations',
    summary: 'Obligations in the subtree with their current-period status',
    security: staff,
    request: { query: obligationListQuerySchema },
    responses: { 200: { description: 'Obligations' }, ...problemResponses },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/obligations/compliance',
    summary: 'Met/missed rates per unit and per person',
    security: staff,
    request: { query: complianceQuerySchema },
    responses: { 200: { description: 'Compliance' }, ...problemResponses },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/obligations/{id}',
    summary: 'The period record of an obligation',
    security: staff,
    request: { params: obligationParams },
    responses: { 200: { description: 'Obligation' }, ...problemResponses },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/obligations/{id}/contacts',
    summary: 'Log a contact',
    security: staff,
    request: { params: obligationParams, body: { content: json(logContactSchema) } },
    responses: { 201: { description: 'The obligation after the contact' }, ...problemResponses },
  });
  registry.registerPath({
    method: 'patch',
    path: '/api/v1/obligations/{id}',
    summary: 'Hand the obligation to another staff member',
    security: staff,
    request: { params: obligationParams, body: { content: json(changeObligeeSchema) } },
    responses: { 200: { description: 'The obligation' }, ...problemResponses },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/v1/obligations/{id}',
    summary: 'End the obligation',
    security: staff,
    request: { params: obligationParams },
    responses: { 200: { description: 'The ended obligation' }, ...problemResponses },
  });
}

/** Leavers: deactivation with the hand-over of their work, and its progress. */
function registerHandOver(registry: OpenAPIRegistry, json: (schema: z.ZodType) => Record<string, { schema: z.ZodType }>): void {
  const admins = [{ bearer: [] }];
  registry.registerPath({
    method: 'post',
    path: '/api/v1/admin/staff/{staffId}/deactivate',
    summary: 'Deactivate a leaver and hand their open cases, mediations and obligations to a successor',
    description:
      'Admins in scope. Their sign-in stops at once; the hand-over runs as a workflow, resumable after any failure. 422 names each field and unit a refused change concerns (a grid left without its worker, a unit without its duty officer); a second request while one runs answers the running one.',
    security: admins,
    request: { params: z.object({ staffId: z.string().meta({ example: 'sui-lei' }) }), body: { content: json(deactivateStaffSchema) } },
    responses: {
      202: { description: 'The hand-over, started or already running; Location: its progress', content: json(handOverAcceptedSchema) },
      ...problemResponses,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/hand-overs/{id}',
    summary: 'Progress of a hand-over: every item handed over, skipped, waiting or failed, with reasons',
    security: admins,
    request: { params: z.object({ id: z.string().meta({ example: 'hand-over-sui-lei' }) }) },
    responses: { 200: { description: 'The hand-over', content: json(handOverProgressSchema) }, ...problemResponses },
  });
}

/** The report routes: JSON by default, CSV with `Accept: text/csv`. */
function registerReports(registry: OpenAPIRegistry): void {
  const csv = { 'text/csv': { schema: z.string().meta({ description: 'One line per group: total, then each breakdown' }) } };
  for (const [name, schema, summary] of [
    ['cases', caseReportSchema, 'Cases received in the period: resolved, on time, escalations per level, time to resolve, reopen rate, satisfaction'],
    ['mediations', mediationReportSchema, 'Mediations begun in the period and their outcomes'],
    ['obligations', obligationReportSchema, 'Contact periods that ended in the period: compliance per unit and per person'],
  ] as const) {
    registry.registerPath({
      method: 'get',
      path: `/api/v1/reports/${name}`,
      summary,
      description: "From the records store, for the caller's subtree; days are the city's. No personal data.",
      security: [{ bearer: [] }],
      request: { query: reportQuerySchema },
      responses: { 200: { description: 'The report', content: { 'application/json': { schema }, ...csv } }, ...problemResponses },
    });
  }
}

/** The OpenAPI document served at `/openapi.json`. */
export function openApiDocument() {
  return new OpenApiGeneratorV31(buildRegistry().definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'gridflow API',
      version: '1',
      description: 'Service requests, escalation and supervision for a district governed as a tree of units.',
    },
    servers: [{ url: '/' }],
  });
}
