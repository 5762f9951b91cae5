/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, so the
 * contract and the checks cannot drift apart.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { caseActionSchema, caseListQuerySchema, caseSubmittedSchema, caseViewSchema, feedbackSchema, submitCaseSchema } from './schemas/cases';
import { problemResponses } from './schemas/common';

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
  return registry;
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
