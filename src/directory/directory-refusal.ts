/**
 * A directory change that would leave the district unable to work — a grid without a grid
 * worker, a unit without a duty officer, a leaver without a successor — is refused with the
 * problems named, so the API can answer a 4xx naming each field and the units concerned.
 */
import type { DirectoryProblem } from './hand-over-port';

/** Thrown by directory writes that refuse a change; carries every problem found, not just the first. */
export class DirectoryRefusalError extends Error {
  constructor(readonly problems: readonly DirectoryProblem[]) {
    super(`directory change refused: ${problems.map((problem) => `${problem.field} (${problem.key})`).join(', ')}`);
    this.name = 'DirectoryRefusalError';
  }
}
