/**
 * The shape of `config/gridflow.yaml`: the unit tree, staff, categories, SLA policy, working-day
 * calendar and integrations of one city district. Validated once at start; every bad key is named.
 *
 * What the domain reads of it (units, staff, the SLA, mediation and obligation policies, the
 * calendar) is typed in src/domain, which never imports this file; {@link ConfigMatchesDomain}
 * below fails to compile when a schema and its domain type stop describing the same shape.
 */
import { Duration, IANAZone } from 'luxon';
import { z } from 'zod';
import { checkDirectoryTree, type DirectoryIssue, type DirectoryRule } from '../domain/directory-rules';
import type { MediationPolicy } from '../domain/mediation-model';
import type { ObligationPolicy, ObligationRule } from '../domain/obligation-model';
import { isCalendarPeriod } from '../domain/obligation-periods';
import type { LocalizedName, Staff, Unit } from '../domain/org-types';
import type { SlaPolicy } from '../domain/sla-policy';
import { LEVELS, LOCALES, PRIORITIES, ROLES } from '../domain/vocabulary';
import type { WorkingCalendar } from '../domain/working-calendar';

export { LEVELS, LOCALES, PRIORITIES, ROLES };

export const levelSchema = z.enum(LEVELS);

export const prioritySchema = z.enum(PRIORITIES);

export const roleSchema = z.enum(ROLES);

export const localeSchema = z.enum(LOCALES);

/** Ids travel in URLs, workflow ids and search attributes: keep them boring. */
export const idSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, "-" or "_" (pinyin ids), at most 64');

/** A name in every catalog language; zh-CN is required, en falls back to it. */
export const localizedNameSchema = z.strictObject({
  'zh-CN': z.string().min(1).max(200),
  en: z.string().min(1).max(200).optional(),
});

/** An ISO 8601 duration such as `PT4H`, `P3D` or `PT2S` (tests use second-long SLAs). */
export const isoDurationSchema = z.string().refine((value) => {
  const parsed = Duration.fromISO(value);
  return parsed.isValid && parsed.as('milliseconds') > 0;
}, 'must be a positive ISO 8601 duration such as PT4H or P3D');

const dateSchema = z.iso.date();
const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm (24-hour clock)');

/** [minLng, minLat, maxLng, maxLat] in WGS-84 degrees. */
const boundingBoxSchema = z
  .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)])
  .refine(([minLng, minLat, maxLng, maxLat]) => minLng < maxLng && minLat < maxLat, 'min must be below max');

export const unitSchema = z.strictObject({
  id: idSchema,
  level: levelSchema,
  /** Absent only on the district at the root. */
  parent: idSchema.optional(),
  name: localizedNameSchema,
  /** Staff id of whoever takes cases at this level: the grid worker on a grid, the duty officer above. */
  dutyOfficer: idSchema,
  /** Address fragments (village, group, building) that route a request to this grid. */
  addresses: z.array(z.string().min(2).max(100)).default([]),
  /** Where a lat/long routes to this grid. */
  bounds: boundingBoxSchema.optional(),
});

/** A further post of a staff member: a grid worker covering a second grid, a secretary also on duty. */
export const postSchema = z.strictObject({
  unit: idSchema,
  /** Absent: the staff member's own role. */
  role: roleSchema.optional(),
});

export const staffSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(100),
  email: z.email(),
  phone: z
    .string()
    .regex(/^\+?[0-9 -]{5,20}$/, 'must be a phone number')
    .optional(),
  role: roleSchema,
  /** The unit of this person's first post; with `posts`, they see and act on the subtree of each. */
  unit: idSchema,
  /** Posts in further units, under the same sign-in. */
  posts: z.array(postSchema).max(50).optional(),
  /** false: a leaver, kept for the names in old timelines; their sign-in is refused. */
  active: z.boolean().optional(),
  locale: localeSchema.default('zh-CN'),
});

/** Datatypes of a GeoReport v2 service-definition attribute. */
export const OPEN311_DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;

/** One question an Open311 client asks when reporting in a category; `order` is its position. */
export const open311AttributeSchema = z.strictObject({
  /** Sent back as `attribute[code]`, so no brackets or dots. */
  code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be letters, digits, "-" or "_", at most 64'),
  datatype: z.enum(OPEN311_DATATYPES),
  required: z.boolean().default(false),
  /** false: information shown to the reporter, never answered. */
  variable: z.boolean().default(true),
  description: localizedNameSchema,
  datatypeDescription: localizedNameSchema.optional(),
  /** The choices of a singlevaluelist or multivaluelist. */
  values: z.array(z.strictObject({ key: z.string().min(1).max(64), name: localizedNameSchema })).default([]),
});

/** How a category is offered as an Open311 GeoReport v2 service; every key has a default. */
export const open311ServiceSchema = z
  .strictObject({
    /** false hides the category from Open311 clients (dispute categories are never offered). */
    enabled: z.boolean().default(true),
    /** Synonyms of the name, shown as `keywords`. */
    keywords: z.array(z.string().min(1).max(50)).default([]),
    attributes: z.array(open311AttributeSchema).default([]),
  })
  .superRefine((service, ctx) => {
    const codes = new Set<string>();
    service.attributes.forEach((attribute, index) => {
      if (codes.has(attribute.code)) ctx.addIssue({ code: 'custom', path: ['attributes', index, 'code'], message: `duplicate code "${attribute.code}"` });
      codes.add(attribute.code);
      const isList = attribute.datatype.endsWith('valuelist');
      if (isList !== attribute.values.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['attributes', index, 'values'],
          message: isList ? 'a value list needs values' : `a ${attribute.datatype} takes no values`,
        });
    });
  });

export const categorySchema = z.strictObject({
  id: idSchema,
  name: localizedNameSchema,
  description: localizedNameSchema.optional(),
  /** `dispute` cases go to mediation (issue: mediation). */
  kind: z.enum(['service', 'dispute']).default('service'),
  defaultPriority: prioritySchema.default('normal'),
  group: localizedNameSchema.optional(),
  /** Open311 GeoReport v2 (issue 6); absent means offered with no attributes. */
  open311: open311ServiceSchema.optional(),
});

/** Deadline per priority at one level. */
const levelDeadlinesSchema = z.strictObject({
  urgent: isoDurationSchema,
  high: isoDurationSchema,
  normal: isoDurationSchema,
  low: isoDurationSchema,
});

export const slaSchema = z.strictObject({
  /** Fractions of a level's deadline at which the assignee is warned. */
  warnAt: z.array(z.number().gt(0).lt(1)).max(5).default([0.5, 0.75]),
  /** Priorities whose clock runs in calendar hours; the others run on the working-day calendar. */
  calendarHoursFor: z.array(prioritySchema).default(['urgent']),
  levels: z.strictObject({
    grid: levelDeadlinesSchema,
    community: levelDeadlinesSchema,
    street: levelDeadlinesSchema,
    district: levelDeadlinesSchema,
  }),
  /** Per-category overrides of single cells of the table above. */
  overrides: z
    .array(
      z.strictObject({
        category: idSchema,
        level: levelSchema,
        priority: prioritySchema,
        within: isoDurationSchema,
      }),
    )
    .default([]),
  /** How long a resident has to confirm or reopen a resolved case before it closes on its own. */
  confirmWithin: isoDurationSchema.default('P7D'),
});

/**
 * The city's working-day calendar as configured: office hours, the weekend, and the city's own
 * additions and corrections to the national holiday schedule. The national schedule itself (each
 * year's State Council notice) is not typed here: it comes from the `chinese-days` package and is
 * merged in by `resolveCityCalendar` (src/calendar/city-calendar.ts) when a process starts.
 *
 * A date the city lists wins over the package for that date, so a local correction needs no
 * "remove" list: a day the package calls a holiday but the city works goes in `extraWorkingDays`,
 * and a package make-up day the city rests goes in `extraHolidays`.
 *
 * Parsing merges the older `holidays`/`workingWeekends` keys into the new ones, so the output is a
 * plain {@link WorkingCalendar} of local dates (plus `knownThrough` when configured).
 */
export const calendarSchema = z
  .strictObject({
    /** Working intervals of a working day, in the city's time zone. */
    workingHours: z
      .array(z.strictObject({ start: clockTimeSchema, end: clockTimeSchema }))
      .min(1)
      .refine((spans) => spans.every((s) => s.start < s.end), 'each span must start before it ends')
      .default([
        { start: '08:30', end: '12:00' },
        { start: '13:30', end: '17:30' },
      ]),
    /** ISO weekday numbers (1 = Monday) that are rest days unless listed as working days. */
    weekend: z.array(z.number().int().min(1).max(7)).default([6, 7]),
    /** Local rest days (a city holiday, or a correction of the package): rest days even on a weekday. */
    extraHolidays: z.array(dateSchema).optional(),
    /** Local working days (a correction of the package, or a local make-up day): worked even on a weekend or a national holiday. */
    extraWorkingDays: z.array(dateSchema).optional(),
    /**
     * Extends how far the calendar is known, when the city has typed in a year the package does
     * not cover yet (its notice is out, the package not updated): the later of this date and the
     * end of the package's last year is the horizon.
     */
    knownThrough: dateSchema.optional(),
    /** @deprecated Same as `extraHolidays`; kept so existing city files still validate. */
    holidays: z.array(dateSchema).default([]),
    /** @deprecated Same as `extraWorkingDays`; kept so existing city files still validate. */
    workingWeekends: z.array(dateSchema).default([]),
  })
  .superRefine((calendar, ctx) => {
    // A date both rested and worked locally has no meaning; naming it beats silently picking one.
    const rest = new Set([...calendar.holidays, ...(calendar.extraHolidays ?? [])]);
    for (const key of ['workingWeekends', 'extraWorkingDays'] as const) {
      (calendar[key] ?? []).forEach((date, index) => {
        if (rest.has(date)) ctx.addIssue({ code: 'custom', path: [key, index], message: `${date} is also listed as a holiday` });
      });
    }
  })
  .transform(({ workingHours, weekend, holidays, workingWeekends, extraHolidays, extraWorkingDays, knownThrough }) => ({
    workingHours,
    weekend,
    holidays: [...new Set([...holidays, ...(extraHolidays ?? [])])],
    workingWeekends: [...new Set([...workingWeekends, ...(extraWorkingDays ?? [])])],
    ...(knownThrough === undefined ? {} : { knownThrough }),
  }));

export const integrationSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(100),
  /** SHA-256 (hex) of each accepted API key: keys are high-entropy, never stored in clear. */
  apiKeySha256: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256')).default([]),
});

/** An ISO 8601 period a contact obligation can be aligned to: days, weeks, or months dividing a year. */
export const obligationPeriodSchema = z.string().refine((value) => isCalendarPeriod(value), 'must be a calendar period such as P7D, P2W, P1M, P3M, P6M or P1Y');

/**
 * A rule that creates one obligation per (obligee, unit) pair: every staff member with `role` at
 * `obligeeLevel` contacts every unit at `targetLevel` in their own subtree, `times` per `period`.
 */
export const obligationRuleSchema = z.strictObject({
  id: idSchema,
  description: z.string().max(200).optional(),
  obligee: z.strictObject({ role: roleSchema, level: levelSchema }),
  targetLevel: levelSchema,
  period: obligationPeriodSchema,
  times: z.number().int().min(1).max(100).default(1),
});

export const obligationsSchema = z.strictObject({
  /** How long before a period ends unmet the obligee is reminded. */
  reminderLead: isoDurationSchema.default('P1D'),
  /** Consecutive missed periods that escalate to the next level up. */
  missesToEscalate: z.number().int().min(1).max(52).default(2),
  /** Obligations created at start, idempotently. */
  rules: z.array(obligationRuleSchema).default([]),
});

/**
 * Dispute mediation (People's Mediation Law): the deadline of each step, the limits of one
 * committee's work and the judicial-confirmation window. Calendar time throughout. The committee
 * of a unit is its staff with role `mediator`.
 */
export const mediationSchema = z.strictObject({
  /** How long the parties have to consent, at each committee. */
  consentWithin: isoDurationSchema.default('P3D'),
  /** How long before a consent deadline or a session the reminder goes out. */
  reminderLead: isoDurationSchema.default('P1D'),
  /** How long a committee has to assign a mediator once every party consented. */
  assignWithin: isoDurationSchema.default('P3D'),
  /** Sessions a committee may hold before the mediation escalates (or, at the top, fails). */
  sessionLimit: z.number().int().min(1).max(20).default(3),
  /** How long a committee may mediate from assignment; a supervisor may extend it once. */
  maxDuration: isoDurationSchema.default('P1M'),
  /** The one extension of maxDuration. */
  extension: isoDurationSchema.default('P15D'),
  /** How long the parties have to sign an agreement once reached. */
  signWithin: isoDurationSchema.default('P7D'),
  /** Art. 33: the parties may apply for judicial confirmation within 30 days of the agreement. */
  judicialWindow: isoDurationSchema.default('P30D'),
  /** How long before the judicial window closes the parties are reminded. */
  judicialReminderLead: isoDurationSchema.default('P3D'),
});

/**
 * Abuse limits on intake (`POST /api/v1/cases`, Open311 `POST requests`): one budget per client
 * IP and one per caller (API key, or staff member), each over a fixed window. Counted in the
 * memory of each API process, so with several processes a client gets one budget per process.
 */
export const intakeRateLimitSchema = z.strictObject({
  /** Length of the counting window, e.g. PT1M. */
  window: isoDurationSchema.refine((value) => Duration.fromISO(value).as('milliseconds') >= 1_000, 'must be at least one second').default('PT1M'),
  /** Submissions one API key (or staff member) may make per window. */
  perKey: z.number().int().min(1).max(1_000_000).default(120),
  /** Submissions from one client IP per window, whatever the credential (or none). */
  perIp: z.number().int().min(1).max(1_000_000).default(300),
});

export const rateLimitsSchema = z.strictObject({
  intake: intakeRateLimitSchema.prefault({}),
});

export const configSchema = z
  .strictObject({
    city: z.strictObject({
      name: localizedNameSchema,
      timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone'),
      defaultLocale: localeSchema.default('zh-CN'),
    }),
    units: z.array(unitSchema).min(1),
    staff: z.array(staffSchema).min(1),
    categories: z.array(categorySchema).min(1),
    sla: slaSchema,
    calendar: calendarSchema.prefault({}),
    integrations: z.array(integrationSchema).default([]),
    obligations: obligationsSchema.prefault({}),
    mediation: mediationSchema.prefault({}),
    rateLimits: rateLimitsSchema.prefault({}),
  })
  .superRefine((config, ctx) => checkReferences(config, ctx), { when: (payload) => listsPresent(payload.value) });

export type GridflowConfig = z.infer<typeof configSchema>;
export type Category = z.infer<typeof categorySchema>;
/** The calendar section after parsing: the city's local dates only, without the national schedule. */
export type CalendarConfig = z.infer<typeof calendarSchema>;
export type Integration = z.infer<typeof integrationSchema>;
export type IntakeRateLimit = z.infer<typeof intakeRateLimitSchema>;
// The domain's types of what this file parses, for the code that reads a parsed config.
export type { LocalizedName, MediationPolicy, ObligationPolicy, ObligationRule, SlaPolicy, Staff, Unit, WorkingCalendar };
export type { Level, Locale, Priority, Role } from '../domain/vocabulary';

/**
 * True when `A` and `B` are the same type, optional fields included (mutual assignability would
 * let an optional field on one side alone through): the compiler's own identity check of the two.
 */
type SameShape<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only for `true`. */
type Holds<T extends true> = T;

/**
 * Compiles only while every schema parses into exactly the domain type it stands for. A field
 * added to one side alone, or a type changed, breaks the build here instead of at run time.
 */
export type ConfigMatchesDomain = [
  Holds<SameShape<z.output<typeof localizedNameSchema>, LocalizedName>>,
  Holds<SameShape<z.output<typeof unitSchema>, Unit>>,
  Holds<SameShape<z.output<typeof staffSchema>, Staff>>,
  Holds<SameShape<z.output<typeof slaSchema>, SlaPolicy>>,
  Holds<SameShape<z.output<typeof mediationSchema>, MediationPolicy>>,
  Holds<SameShape<z.output<typeof obligationRuleSchema>, ObligationRule>>,
  Holds<SameShape<z.output<typeof obligationsSchema>, ObligationPolicy>>,
  // The calendar's own `version` is set when it is resolved (src/calendar/city-calendar.ts), never parsed.
  Holds<SameShape<z.output<typeof calendarSchema>, Omit<WorkingCalendar, 'version'>>>,
];

/** The config as the cross-reference check sees it: possibly invalid elsewhere, so every field is optional. */
interface LooseConfig {
  units?: unknown[];
  staff?: unknown[];
  categories?: { id?: unknown }[];
  integrations?: { id?: unknown }[];
  sla?: { overrides?: { category?: unknown }[] };
}

/** Runs the cross-reference check whenever the lists themselves are lists, even if a field elsewhere is bad. */
function listsPresent(value: unknown): boolean {
  const config = value as LooseConfig | undefined;
  return typeof config === 'object' && config !== null && Array.isArray(config.units) && Array.isArray(config.staff);
}

/** How an operator reads each directory rule in a config error (the API words them from the catalogs). */
const TREE_RULE_TEXT: Record<DirectoryRule, (values: DirectoryIssue['values']) => string> = {
  duplicateId: ({ id }) => `duplicate id "${id}"`,
  rootCount: ({ found }) => `must have exactly one root unit (no parent), found ${found}`,
  rootNotDistrict: () => 'only the district may have no parent',
  unknownParent: ({ parent }) => `unknown unit "${parent}"`,
  levelOrder: ({ level, expectedLevel, parentLevel }) => `a ${level} must sit under a ${expectedLevel}, not a ${parentLevel}`,
  unknownDutyOfficer: ({ staff }) => `unknown staff "${staff}"`,
  dutyOfficerWithoutPost: ({ staff, posts, unit }) => `staff "${staff}" belongs to unit${String(posts).includes('", "') ? 's' : ''} "${posts}", not "${unit}"`,
  dutyOfficerInactive: ({ staff }) => `staff "${staff}" is inactive`,
  addressesOnlyOnGrids: () => 'only grids take addresses and bounds: requests are routed to grids',
  unknownStaffUnit: ({ unit }) => `unknown unit "${unit}"`,
  unknownPostUnit: ({ unit }) => `unknown unit "${unit}"`,
  duplicatePost: ({ role, unit }) => `already holds a post as ${role} in "${unit}"`,
};

/**
 * Cross-references that a per-field schema cannot see: ids, parents, levels, duty officers (the
 * directory rules of src/domain/directory-rules.ts, shared with the admin API), categories.
 * It also runs when other keys are invalid (so every bad key is named at once), hence the
 * defensive reading of each item.
 */
function checkReferences(raw: unknown, ctx: z.RefinementCtx): void {
  const config = raw as LooseConfig;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const list = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);
  const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const duplicates = (items: { id?: unknown }[], key: string) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const id = str(item?.id);
      if (id === undefined) return;
      if (seen.has(id)) issue([key, index, 'id'], `duplicate id "${id}"`);
      seen.add(id);
    });
  };
  for (const found of checkDirectoryTree(list(config.units), list(config.staff))) issue(found.path, TREE_RULE_TEXT[found.rule](found.values));
  duplicates(list(config.categories), 'categories');
  duplicates(list(config.integrations), 'integrations');

  const categories = new Set(list(config.categories).map((category) => str(category?.id)));
  list(config.sla?.overrides).forEach((override, index) => {
    const category = str(override?.category);
    if (category !== undefined && !categories.has(category)) issue(['sla', 'overrides', index, 'category'], `unknown category "${category}"`);
  });
}
