/**
 * Loads and validates `config/gridflow.yaml` (or the file named by GRIDFLOW_CONFIG) once at start.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type z } from 'zod';
import { PROJECT_ROOT } from '../project-root';
import { type ConfigProblem, describeConfigIssues } from './config-errors';
import { ConfigSource } from './config-source';
import { configSchema, type GridflowConfig } from './schema';

/** Where the shipped demo city lives, relative to the repository root. */
export const DEFAULT_CONFIG_PATH = path.join(PROJECT_ROOT, 'config', 'gridflow.yaml');

/**
 * A configuration that cannot be used. `problems` has one entry per kind of mistake, each naming
 * its place (`line 12:5, units[950] (id: g-0950), role: …`); `details` has the same, structured,
 * when the file could be parsed.
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
    readonly details: readonly ConfigProblem[] = [],
  ) {
    const count = details.length > 0 ? details.reduce((sum, problem) => sum + 1 + problem.more.length, 0) : problems.length;
    super(
      `Invalid configuration in ${file} (${count.toLocaleString('en-US')} problem${count === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Formats zod issues as `units.3.parent: unknown unit "x"`, one per bad key; for sources without lines (the environment). */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

/** Parses and validates configuration text; throws {@link ConfigError} naming every problem. */
export function parseConfig(text: string, file = '<inline>'): GridflowConfig {
  const source = new ConfigSource(text);
  const { document } = source;
  if (document.errors.length > 0) {
    // The first line only ("… at line 3, column 17:"): the rest quotes the source line, which may
    // hold a key hash or a contact detail, and config errors reach logs.
    throw new ConfigError(
      file,
      document.errors.map((error) => `YAML: ${error.message.split('\n')[0]}`),
    );
  }
  const raw: unknown = document.toJS();
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const details = describeConfigIssues(result.error.issues, source, raw);
    throw new ConfigError(
      file,
      details.map((problem) => problem.text),
      details,
    );
  }
  return result.data;
}

/** Reads the configuration file named by `file`, GRIDFLOW_CONFIG, or the shipped demo city. */
export function loadConfig(file: string = process.env.GRIDFLOW_CONFIG ?? DEFAULT_CONFIG_PATH): GridflowConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(file, [`cannot read file: ${(cause as Error).message}`]);
  }
  return parseConfig(text, file);
}
