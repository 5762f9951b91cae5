/**
 * Errors that only follow from another error in the same file. The cross-reference check in
 * schema.ts runs even when fields are invalid (so every bad key is named at once), which means one
 * mistake can be reported twice: `parent: null` on the district also yields "found 0 root units".
 * So does a renamed key: `duty_officer` is unknown and `dutyOfficer` missing. The follow-on is
 * dropped and its cause says what else it explains, so the operator fixes one thing, not two.
 */
import type { PathSegment } from './config-source';

/** The part of a finding the rules look at. */
export interface FollowOnCandidate {
  path: readonly PathSegment[];
  message: string;
}

/** What the rules decided: which findings to drop, and a note for each cause. */
export interface FollowOns {
  dropped: ReadonlySet<number>;
  /** By index of the cause: the notes to show after its message. */
  notes: ReadonlyMap<number, string[]>;
}

/** The raw config, read defensively: it failed validation. */
interface LooseConfig {
  units?: { id?: unknown; level?: unknown; parent?: unknown; dutyOfficer?: unknown }[];
  staff?: { id?: unknown }[];
}

/** What a rule reports: the follow-on at `index` is explained by the finding at `cause`. */
interface Explained {
  cause: number;
  /** Notes of one kind are merged into one, counted. */
  kind: 'no-root' | 'children' | 'duty-officer' | 'misspelt';
  /** The key a misspelt one stands for. */
  key?: string;
}

const NOTE: Record<Explained['kind'], (count: number, key?: string) => string> = {
  'no-root': () => 'leave parent out on the root unit; this is why no root unit is found',
  misspelt: (_count, key) => `did you mean "${key}"?`,
  children: (count) => `this also explains ${count === 1 ? 'the error' : `${count} errors`} at its child units`,
  'duty-officer': (count) => `this also explains ${count === 1 ? 'the error' : `${count} errors`} where it is named duty officer`,
};

/** Finds the follow-on errors among `findings` (validation findings of `raw`, in any order). */
export function findFollowOns(findings: readonly FollowOnCandidate[], raw: unknown): FollowOns {
  const config = (typeof raw === 'object' && raw !== null ? raw : {}) as LooseConfig;
  const units = Array.isArray(config.units) ? config.units : [];
  const staff = Array.isArray(config.staff) ? config.staff : [];
  const at = new Map(findings.map((finding, index) => [finding.path.join('\u0000'), index]));
  const findingAt = (...path: PathSegment[]) => at.get(path.join('\u0000'));
  // Unknown keys by the map they sit in, so a missing key finds a misspelt sibling without a scan.
  const unknownIn = new Map<string, number[]>();
  findings.forEach((finding, index) => {
    if (finding.message !== 'unknown key') return;
    const parent = finding.path.slice(0, -1).join('\u0000');
    unknownIn.set(parent, [...(unknownIn.get(parent) ?? []), index]);
  });
  const firstById = (items: { id?: unknown }[]) => {
    const index = new Map<unknown, number>();
    items.forEach((item, i) => (index.has(item?.id) ? undefined : index.set(item?.id, i)));
    return index;
  };
  const unitIndex = firstById(units);
  const staffIndex = firstById(staff);

  const explain = (finding: FollowOnCandidate): Explained[] => {
    const name = finding.path.at(-1);
    if (finding.message === 'is required' && typeof name === 'string') {
      // A renamed key (`duty_officer`) is reported as unknown, and the real one as missing: one mistake.
      const cause = unknownIn.get(finding.path.slice(0, -1).join('\u0000'))?.find((other) => looksLike(findings[other]!.path.at(-1), name));
      return cause === undefined ? [] : [{ cause, kind: 'misspelt', key: name }];
    }
    const [list, index, key] = finding.path;
    if (finding.path.length === 1 && list === 'units' && /^must have exactly one root unit.*found 0$/.test(finding.message)) {
      // Every unit has a parent, so a non-string parent (null, a number) was meant as "none":
      // the district's if it has one, else any.
      const meantNone = units.flatMap((unit, i) => {
        const cause = unit?.parent !== undefined && typeof unit?.parent !== 'string' ? findingAt('units', i, 'parent') : undefined;
        return cause === undefined ? [] : [{ cause, district: unit?.level === 'district' }];
      });
      const districts = meantNone.filter((candidate) => candidate.district);
      return (districts.length > 0 ? districts : meantNone).map(({ cause }) => ({ cause, kind: 'no-root' as const }));
    }
    if (list !== 'units' || typeof index !== 'number') return [];
    if (key === 'parent' && finding.message.includes('must sit under')) {
      // The parent's own level is invalid, so "a grid must sit under a community, not a comunity" says nothing new.
      const cause = findingAt('units', unitIndex.get(units[index]?.parent) ?? -1, 'level');
      return cause === undefined ? [] : [{ cause, kind: 'children' }];
    }
    if (key === 'dutyOfficer' && finding.message.includes('belongs to unit')) {
      // The officer's own `unit` is missing or unknown: that error already names the fix.
      const cause = findingAt('staff', staffIndex.get(units[index]?.dutyOfficer) ?? -1, 'unit');
      return cause === undefined ? [] : [{ cause, kind: 'duty-officer' }];
    }
    return [];
  };

  const dropped = new Set<number>();
  const counts = new Map<number, Map<Explained['kind'], { count: number; key?: string }>>();
  findings.forEach((finding, index) => {
    const explained = explain(finding);
    if (explained.length === 0) return;
    dropped.add(index);
    for (const { cause, kind, key } of explained) {
      const kinds = counts.get(cause) ?? new Map<Explained['kind'], { count: number; key?: string }>();
      kinds.set(kind, { count: (kinds.get(kind)?.count ?? 0) + 1, ...(key === undefined ? {} : { key }) });
      counts.set(cause, kinds);
    }
  });
  const notes = new Map([...counts].map(([cause, kinds]) => [cause, [...kinds].map(([kind, { count, key }]) => NOTE[kind](count, key))]));
  return { dropped, notes };
}

/** True when `typed` is `wanted` up to case, "-"/"_", or two typos: `duty_officer`, `dutyOficer`. */
function looksLike(typed: PathSegment | undefined, wanted: string): boolean {
  if (typeof typed !== 'string') return false;
  const a = typed.toLowerCase().replace(/[-_]/g, '');
  const b = wanted.toLowerCase().replace(/[-_]/g, '');
  return a === b || (Math.min(a.length, b.length) > 3 && editDistance(a, b) <= 2);
}

/** Levenshtein distance; keys are short, so the plain dynamic programme will do. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
