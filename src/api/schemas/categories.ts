/**
 * The answer of `GET /categories`.
 */
import { z } from 'zod';
import { LOCALES } from '../../domain/vocabulary';
import { priorityParam } from './common';

export const categoryEntrySchema = z
  .object({
    id: z.string().meta({ description: 'What `category` of POST /cases takes', example: 'road_repair' }),
    name: z.string().meta({ description: "In the caller's language (Accept-Language)", example: '道路维修' }),
    group: z.string().optional(),
    description: z.string().optional(),
    kind: z.enum(['service', 'dispute']).meta({ description: 'A dispute needs `parties` and goes to mediation' }),
    defaultPriority: priorityParam,
  })
  .meta({ id: 'Category' });
export type CategoryEntry = z.infer<typeof categoryEntrySchema>;

export const categoryListSchema = z.object({ locale: z.enum(LOCALES), categories: z.array(categoryEntrySchema) }).meta({ id: 'CategoryList' });
