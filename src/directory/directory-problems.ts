/**
 * A broken directory rule as the admin reads it: the catalog message of the rule (naming the
 * grid left without a grid worker, the unit without a duty officer) and the request field to
 * blame, which depends on the change that broke it — the same rule is `parent` when a unit moves,
 * `posts` when a person moves and `successorId` when a leaver goes.
 */
import type { DirectoryIssue } from '../domain/directory-rules';
import type { FieldKey } from '../i18n/message';
import type { DirectoryProblem } from './hand-over-port';

/** The catalog key of an issue; the grid variants say "grid worker", the others "duty officer". */
function keyOf(issue: DirectoryIssue): FieldKey {
  const grid = issue.values.level === 'grid';
  switch (issue.rule) {
    case 'duplicateId':
      return 'field.directory.idTaken';
    case 'rootCount':
      return 'field.directory.oneRoot';
    case 'rootNotDistrict':
      return 'field.directory.rootMustBeDistrict';
    case 'unknownParent':
      return 'field.directory.unknownParent';
    case 'levelOrder':
      return issue.values.level === 'district' ? 'field.directory.districtHasNoParent' : 'field.directory.levelOrder';
    case 'unknownDutyOfficer':
      return 'field.directory.unknownStaff';
    case 'dutyOfficerWithoutPost':
      return grid ? 'field.directory.gridWithoutWorker' : 'field.directory.unitWithoutDutyOfficer';
    case 'dutyOfficerInactive':
      return grid ? 'field.directory.gridWorkerInactive' : 'field.directory.dutyOfficerInactive';
    case 'addressesOnlyOnGrids':
      return 'field.directory.addressesOnlyOnGrids';
    case 'unknownStaffUnit':
    case 'unknownPostUnit':
      return 'field.directory.unknownUnit';
    case 'duplicatePost':
      return 'field.directory.duplicatePost';
  }
}

/** Which entry a change is about, and the field to blame for what it breaks elsewhere. */
export interface ChangeFocus {
  kind: 'unit' | 'staff' | 'tree';
  id?: string | undefined;
  /** The field blamed for an issue on another entry (a unit losing its duty officer when a person moves). */
  elsewhere: string;
}

/**
 * The request field an issue is blamed on: a field of the entry being changed when the issue sits
 * on it (`parent`, `posts.0.unit`), the focus's `elsewhere` when the change broke another entry,
 * and the whole path for an import (`units.3.dutyOfficer`).
 */
export function fieldOf(issue: DirectoryIssue, focus: ChangeFocus): string {
  if (focus.kind === 'tree') return issue.path.join('.');
  const [list] = issue.path;
  const own =
    list === 'units' ? focus.kind === 'unit' && issue.values.unit === focus.id : focus.kind === 'staff' && (issue.values.staff ?? issue.values.id) === focus.id;
  if (list === 'units' && issue.path.length === 1) return focus.kind === 'unit' ? 'parent' : focus.elsewhere;
  if (!own) return focus.elsewhere;
  return issue.path.slice(2).join('.') || focus.elsewhere;
}

/** Issues as problems of a change with `focus`. */
export function problemsOf(issues: readonly DirectoryIssue[], focus: ChangeFocus): DirectoryProblem[] {
  return issues.map((issue) => ({ field: fieldOf(issue, focus), key: keyOf(issue), values: issue.values }));
}
