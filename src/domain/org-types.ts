/**
 * What the district is made of, as the domain reads it: the units of the tree and the staff who
 * hold posts in them. The config file and the records-store directory both produce these; the
 * config's zod schemas (src/config/schema.ts) are checked against them at compile time, so the
 * file's shape and the domain's cannot drift apart while the domain never imports the schema.
 */
import type { Level, Locale, Role } from './vocabulary';

/** A name in every catalog language; zh-CN is required, en falls back to it. */
export interface LocalizedName {
  'zh-CN': string;
  en?: string | undefined;
}

/** [minLng, minLat, maxLng, maxLat] in WGS-84 degrees. */
export type BoundingBox = [number, number, number, number];

/** One unit of the tree: the district, a street, a community or village, or a grid. */
export interface Unit {
  id: string;
  level: Level;
  /** Absent only on the district at the root. */
  parent?: string | undefined;
  name: LocalizedName;
  /** Staff id of whoever takes cases at this level: the grid worker on a grid, the duty officer above. */
  dutyOfficer: string;
  /** Address fragments (village, group, building) that route a request to this grid. */
  addresses: string[];
  /** Where a lat/long routes to this grid. */
  bounds?: BoundingBox | undefined;
}

/** A further post of a staff member: a grid worker covering a second grid, a secretary also on duty. */
export interface StaffPost {
  unit: string;
  /** Absent: the staff member's own role. */
  role?: Role | undefined;
}

/** A staff member, active or a leaver. */
export interface Staff {
  id: string;
  name: string;
  email: string;
  phone?: string | undefined;
  role: Role;
  /** The unit of this person's first post; with `posts`, they see and act on the subtree of each. */
  unit: string;
  /** Posts in further units, under the same sign-in. */
  posts?: StaffPost[] | undefined;
  /** false: a leaver, kept for the names in old timelines; their sign-in is refused. */
  active?: boolean | undefined;
  locale: Locale;
}
