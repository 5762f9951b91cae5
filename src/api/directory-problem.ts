/**
 * The directory's errors as problem+json: a refused change is a 422 naming each field (and, in
 * its message, the grid left without a grid worker or the unit without a duty officer), a stale
 * If-Match a 412, a missing entry a 404. Shared by the admin routes and the hand-over's
 * deactivation route, so a refusal reads the same wherever it comes from.
 */
import { message } from '../i18n/message';
import { DirectoryNotFoundError, DirectoryPreconditionError } from '../directory/directory-errors';
import { DirectoryRefusalError } from '../directory/directory-refusal';
import type { DirectoryProblem } from '../directory/hand-over-port';
import { ProblemError } from './errors';

/** The 422 for `problems`, each field prefixed with `where` (`body` → `body.parent`). */
export function refusalProblem(problems: readonly DirectoryProblem[], where = 'body'): ProblemError {
  const errors = problems.map((found) => ({ field: where ? `${where}.${found.field}` : found.field, message: message(found.key, found.values) }));
  const fields = [...new Set(errors.map((error) => error.field))].join(', ');
  return new ProblemError(422, 'validation', message('detail.directory.refused', { fields }), errors);
}

/** The directory error as a problem, or undefined for any other error. */
export function directoryProblem(error: unknown, where = 'body'): ProblemError | undefined {
  if (error instanceof DirectoryRefusalError) return refusalProblem(error.problems, where);
  if (error instanceof DirectoryPreconditionError) {
    return new ProblemError(412, 'precondition_failed', message('detail.directory.changedSince', { id: error.id, revision: error.revision }), undefined, {
      ETag: etagOf(error.revision),
    });
  }
  if (error instanceof DirectoryNotFoundError) {
    return new ProblemError(
      404,
      'not_found',
      error.kind === 'unit' ? message('detail.directory.noSuchUnit', { unit: error.id }) : message('detail.directory.noSuchStaff', { staff: error.id }),
    );
  }
  return undefined;
}

/** An entry's ETag: its revision, the directory version of its last change. */
export function etagOf(revision: number): string {
  return `"${revision}"`;
}
