/**
 * Request and answer schemas of the directory's admin API (`/admin/units`, `/admin/staff`,
 * `/admin/audit`). Unknown fields are rejected; every bound is at least as strict as the config
 * file's, so an exported directory always loads and imports again.
 */
import { z } from 'zod';
import { LEVELS, LOCALES, ROLES } from '../../domain/vocabulary';
import { DIRECTORY_CHANGE_KINDS } from '../../directory/directory-changes';
import { nameText } from './common';

/** A new unit's or staff member's id: it travels in URLs, workflow ids and search attributes. */
export const directoryIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'field.directory.id');

const localizedName = z
  .strictObject({ 'zh-CN': nameText(200).min(1), en: nameText(200).min(1).optional() })
  .meta({ description: 'The name in each catalog language; zh-CN is required', example: { 'zh-CN': '三堂村一组', en: 'Santang group 1' } });

const lng = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
/** [minLng, minLat, maxLng, maxLat] in WGS-84 degrees. */
const boundsSchema = z
  .tuple([lng, lat, lng, lat])
  .refine(([minLng, minLat, maxLng, maxLat]) => minLng < maxLng && minLat < maxLat, 'field.directory.boundsOrder')
  .meta({ description: '[minLng, minLat, maxLng, maxLat], WGS-84: where a location routes to this grid', example: [121.422, 39.512, 121.4555, 39.5347] });

const addressesSchema = z.array(nameText(100).min(2)).max(500).meta({ description: 'Address fragments that route a request to this grid' });
const roleSchema = z.enum(ROLES);
const postSchema = z.strictObject({ unit: directoryIdSchema, role: roleSchema.optional().meta({ description: "Absent: the staff member's own role" }) });

export const newUnitSchema = z
  .strictObject({
    id: directoryIdSchema,
    level: z.enum(LEVELS),
    parent: directoryIdSchema.optional().meta({ description: 'Absent only on the district' }),
    name: localizedName,
    dutyOfficer: directoryIdSchema.meta({ description: 'Who takes cases there (the grid worker of a grid); given a post in the unit if they hold none' }),
    addresses: addressesSchema.optional(),
    bounds: boundsSchema.optional(),
  })
  .meta({ id: 'NewUnit' });

export const unitEditSchema = z
  .strictObject({
    name: localizedName.optional(),
    parent: directoryIdSchema.optional().meta({ description: 'A new parent moves the unit (a grid to another community)' }),
    dutyOfficer: directoryIdSchema.optional(),
    addresses: addressesSchema.optional(),
    bounds: boundsSchema.nullable().optional().meta({ description: 'null removes the bounds' }),
    level: z.enum(LEVELS).optional().meta({ description: 'Cannot change; accepted only when it is the unit’s own' }),
  })
  .meta({ id: 'UnitEdit' });

const phoneSchema = z.string().regex(/^\+?[0-9 -]{5,20}$/, 'field.phone');

export const newStaffSchema = z
  .strictObject({
    id: directoryIdSchema,
    name: nameText(100).min(1),
    email: z.email().max(254),
    phone: phoneSchema.optional(),
    role: roleSchema,
    unit: directoryIdSchema.meta({ description: 'The unit of their first post' }),
    posts: z.array(postSchema).max(50).optional().meta({ description: 'Posts in further units, under the same sign-in' }),
    locale: z.enum(LOCALES).optional(),
    dutyOfficerOf: z.array(directoryIdSchema).max(100).optional().meta({ description: 'Units whose duty officer (grid worker) they become at once' }),
  })
  .meta({ id: 'NewStaff' });

export const staffEditSchema = z
  .strictObject({
    name: nameText(100).min(1).optional(),
    email: z.email().max(254).optional(),
    phone: phoneSchema.nullable().optional(),
    role: roleSchema.optional(),
    unit: directoryIdSchema.optional(),
    posts: z.array(postSchema).max(50).optional().meta({ description: 'Replaces the further posts' }),
    locale: z.enum(LOCALES).optional(),
    active: z.boolean().optional().meta({ description: 'true brings a leaver back; a leaver is deactivated through the hand-over, never here' }),
    dutyOfficerOf: z.array(directoryIdSchema).max(100).optional(),
  })
  .meta({ id: 'StaffEdit' });

export const unitListQuerySchema = z.strictObject({
  parent: directoryIdSchema.optional(),
  level: z.enum(LEVELS).optional(),
});

export const staffListQuerySchema = z.strictObject({
  unit: directoryIdSchema.optional().meta({ description: 'Staff with a post in this subtree' }),
  active: z.enum(['true', 'false', 'all']).default('true'),
  q: nameText(100).optional().meta({ description: 'Part of the id, name or e-mail' }),
});

export const auditQuerySchema = z.strictObject({
  kind: z.enum(['unit', 'staff']).optional(),
  id: directoryIdSchema.optional(),
  cursor: z
    .string()
    .regex(/^\d{1,15}-\d{1,9}$/, 'field.directory.cursor')
    .transform((value) => {
      const [version, seq] = value.split('-').map(Number);
      return { version: version!, seq: seq! };
    })
    .optional()
    .meta({ description: 'Where the previous page stopped (its `next` link carries it)' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const directoryIdParam = directoryIdSchema;

const nameView = z.object({ 'zh-CN': z.string(), en: z.string().optional() });

export const unitViewSchema = z
  .object({
    id: z.string(),
    level: z.enum(LEVELS),
    parent: z.string().optional(),
    name: nameView,
    dutyOfficer: z.object({ id: z.string(), name: z.string().optional() }),
    addresses: z.array(z.string()),
    bounds: z.array(z.number()).optional(),
    children: z.number().int(),
    staff: z.number().int().meta({ description: 'Active staff holding a post here' }),
    revision: z.number().int().meta({ description: 'Directory version of its last change: send it back as If-Match' }),
  })
  .meta({ id: 'DirectoryUnit' });

export const staffViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    phone: z.string().optional(),
    role: roleSchema,
    unit: z.string(),
    posts: z.array(z.object({ unit: z.string(), role: roleSchema })).meta({ description: 'Every post, their own unit first' }),
    locale: z.enum(LOCALES),
    active: z.boolean(),
    dutyOfficerOf: z.array(z.string()),
    revision: z.number().int(),
  })
  .meta({ id: 'DirectoryStaff' });

export const auditEntrySchema = z
  .object({
    version: z.number().int(),
    seq: z.number().int(),
    at: z.string(),
    actorId: z.string(),
    change: z.enum(DIRECTORY_CHANGE_KINDS),
    target: z.object({ kind: z.enum(['unit', 'staff']), id: z.string() }),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    reason: z.string().optional(),
  })
  .meta({ id: 'DirectoryAuditEntry' });

export type NewUnitBody = z.infer<typeof newUnitSchema>;
export type UnitEditBody = z.infer<typeof unitEditSchema>;
export type NewStaffBody = z.infer<typeof newStaffSchema>;
export type StaffEditBody = z.infer<typeof staffEditSchema>;
