/**
 * Loads and validates `config/gridflow.yaml` (or the file named by GRIDFLOW_CONFIG) once at start.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { PROJECT_ROOT } from '../project-root';
import { configSchema, type GridflowConfig } from './schema';

/** Where the shipped demo city lives, relative to the repository root. */
export const DEFAULT_CONFIG_PATH = path.join(PROJECT_ROOT, 'config', 'gridflow.yaml');

/** A configuration that cannot be used; `problems` names every bad key as `path.to.key: reason`. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Formats zod issues as `units.3.parent: unknown unit "x"`, one per bad key. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

/** Parses and validates configuration text; throws {@link ConfigError} naming every problem. */
export function parseConfig(text: string, file = '<inline>'): GridflowConfig {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(file, document.errors.map((error) => `YAML: ${error.message}`));
  }
  const result = configSchema.safeParse(document.toJS());
  if (!result.success) throw new ConfigError(file, describeIssues(result.error.issues));
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
