/**
 * The repository root, found from this file whether it runs from `src/` (tests, tsx) or from
 * `dist/src/` (npm start): the nearest folder upwards holding a `package.json` named gridflow.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'gridflow') return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the gridflow package above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(__dirname);
