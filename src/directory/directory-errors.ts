/**
 * Why a directory write did not happen, besides a refusal of its content (DirectoryRefusalError):
 * the entry does not exist, or it changed since the caller read it. The API answers 404 and 412.
 */
import type { DirectoryEntryKind } from './directory-tree';

/** The unit or staff member a change names does not exist. */
export class DirectoryNotFoundError extends Error {
  constructor(
    readonly kind: DirectoryEntryKind,
    readonly id: string,
  ) {
    super(`no ${kind} "${id}" in the directory`);
    this.name = 'DirectoryNotFoundError';
  }
}

/** The entry changed after the caller read it (its revision is no longer the one they sent in If-Match). */
export class DirectoryPreconditionError extends Error {
  constructor(
    readonly kind: DirectoryEntryKind,
    readonly id: string,
    /** The entry's revision now: the directory version of its last change. */
    readonly revision: number,
  ) {
    super(`${kind} "${id}" is at revision ${revision}, not the one expected`);
    this.name = 'DirectoryPreconditionError';
  }
}
