// i18n-exempt-file: the OpenAPI document is written for developers integrating with the API.
/**
 * The directory's admin routes in the OpenAPI document, from the zod schemas that validate them.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { problemResponses } from './schemas/common';
import {
  auditEntrySchema,
  auditQuerySchema,
  newStaffSchema,
  newUnitSchema,
  staffEditSchema,
  staffListQuerySchema,
  staffViewSchema,
  unitEditSchema,
  unitListQuerySchema,
  unitViewSchema,
} from './schemas/directory';

const precondition = {
  412: { description: 'If-Match names a revision the entry no longer has; the answer carries the current ETag', content: problemResponses[409]!.content },
};

export function registerDirectoryPaths(registry: OpenAPIRegistry): void {
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const admin = [{ bearer: [] }];
  const idParams = z.object({ id: z.string().meta({ example: 'santang-1' }) });
  const ifMatch = z.object({
    'If-Match': z.string().optional().meta({ description: 'The ETag read before ("12"): refused with 412 if the entry changed since', example: '"12"' }),
  });
  const versioned = (shape: Record<string, z.ZodType>) =>
    z.object({ version: z.number().int().meta({ description: 'The directory version this answer shows' }), ...shape });
  const entry = (name: string, schema: z.ZodType) => versioned({ [name]: schema });
  const etag = z.object({ ETag: z.string().meta({ description: 'The entry’s revision, for If-Match' }) });

  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/directory',
    summary: 'The directory’s version, where it lives (store or config file) and the caller’s admin scopes',
    security: admin,
    responses: {
      200: {
        description: 'Directory status',
        content: json(versioned({ source: z.enum(['store', 'config']), writable: z.boolean(), scopes: z.array(z.string()) })),
      },
      ...problemResponses,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/units',
    summary: 'Units in the admin’s scope, with duty officer, counts and revision',
    security: admin,
    request: { query: unitListQuerySchema },
    responses: { 200: { description: 'Units', content: json(versioned({ units: z.array(unitViewSchema) })) }, ...problemResponses },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/admin/units',
    summary: 'Add a unit under its parent',
    description: 'The duty officer gets a post in the new unit if they hold none. A change that breaks the tree is a 422 naming the field.',
    security: admin,
    request: { body: { content: json(newUnitSchema) } },
    responses: { 201: { description: 'The unit', headers: etag, content: json(entry('unit', unitViewSchema)) }, ...problemResponses },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/units/{id}',
    summary: 'A unit and the staff holding a post there',
    security: admin,
    request: { params: idParams },
    responses: {
      200: { description: 'The unit', headers: etag, content: json(versioned({ unit: unitViewSchema, staff: z.array(staffViewSchema) })) },
      ...problemResponses,
    },
  });
  registry.registerPath({
    method: 'patch',
    path: '/api/v1/admin/units/{id}',
    summary: 'Rename a unit, move it (a new parent), change its duty officer, addresses or bounds',
    description: 'Refused (422) when it would leave a grid without a grid worker or a unit without a duty officer, naming them.',
    security: admin,
    request: { params: idParams, headers: ifMatch, body: { content: json(unitEditSchema) } },
    responses: {
      200: { description: 'The unit after the change', headers: etag, content: json(entry('unit', unitViewSchema)) },
      ...problemResponses,
      ...precondition,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/staff',
    summary: 'Staff with a post in the admin’s scope (or in `unit`)',
    security: admin,
    request: { query: staffListQuerySchema },
    responses: { 200: { description: 'Staff', content: json(versioned({ staff: z.array(staffViewSchema) })) }, ...problemResponses },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/admin/staff',
    summary: 'Add a staff member; `dutyOfficerOf` makes them the grid worker or duty officer of those units at once',
    security: admin,
    request: { body: { content: json(newStaffSchema) } },
    responses: { 201: { description: 'The staff member', headers: etag, content: json(entry('staff', staffViewSchema)) }, ...problemResponses },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/staff/{id}',
    summary: 'A staff member with every post and the units they are on duty at',
    security: admin,
    request: { params: idParams },
    responses: { 200: { description: 'The staff member', headers: etag, content: json(entry('staff', staffViewSchema)) }, ...problemResponses },
  });
  registry.registerPath({
    method: 'patch',
    path: '/api/v1/admin/staff/{id}',
    summary: 'Edit a staff member: details, role, posts (a move), duty units; `active: true` brings a leaver back',
    description: 'Deactivation is not an edit: a leaver is deactivated through the hand-over, which names a successor.',
    security: admin,
    request: { params: idParams, headers: ifMatch, body: { content: json(staffEditSchema) } },
    responses: {
      200: { description: 'The staff member after the change', headers: etag, content: json(entry('staff', staffViewSchema)) },
      ...problemResponses,
      ...precondition,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/admin/audit',
    summary: 'Who changed which unit or staff member, when, before and after; newest first',
    security: admin,
    request: { query: auditQuerySchema },
    responses: {
      200: {
        description: 'Audit entries, and `next` when there are more',
        content: json(versioned({ entries: z.array(auditEntrySchema), next: z.string().optional() })),
      },
      ...problemResponses,
    },
  });
}
