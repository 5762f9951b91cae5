/**
 * Every word a resident or staff member reads comes from the catalogs. Two halves:
 *
 * 1. The source of every user-facing surface (API, notifications, activities, dashboard) holds
 *    no prose of its own: no Chinese text and no English phrase in a string literal, except in
 *    places that are for developers (OpenAPI descriptions, log lines, programmer errors) or marked
 *    `i18n-exempt` with a reason. A new `res.send('Case not found')` fails here.
 * 2. Every message key the code can raise renders completely in both languages: nested names
 *    resolve, no placeholder is left, and the Chinese text is Chinese.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { CATALOGS, translator } from '../../src/i18n';

const ROOT = path.resolve(__dirname, '../..');
/** Folders whose strings reach people. */
const SURFACES = ['src/api', 'src/notifications', 'src/activities', 'src/dashboard'];
/** Three English words in a row, or any Chinese character. */
const ENGLISH_PHRASE = /\b[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}\b/;
const CHINESE = /[\u3400-\u9fff]/;
/** Calls whose string arguments are for developers: API documentation, logs, programmer errors. */
const DEVELOPER_CALLS =
  /(^|\.)(meta|registerPath|registerComponent|describe|debug|info|warn|error|fatal|trace)$|^(Error|TypeError|RangeError|OpenApiGeneratorV31)$|OpenApiGeneratorV31/;
/** Object properties that are OpenAPI documentation. */
const DOC_PROPERTIES = new Set(['description', 'summary', 'example', 'title']);

function sourceFiles(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(child);
    return /\.(ts|tsx|js)$/.test(entry.name) ? [child] : [];
  });
}

/** True when the literal sits in a developer-facing call or documentation property. */
function isForDevelopers(node: ts.Node, source: ts.SourceFile): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (ts.isPropertyAssignment(parent) && DOC_PROPERTIES.has(parent.name.getText(source))) return true;
    if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
      if (DEVELOPER_CALLS.test(parent.expression.getText(source).replace(/\s+/g, ''))) return true;
    }
  }
  return false;
}

/** The line where the statement holding `node` starts: a marker above it covers the whole statement. */
function statementLine(node: ts.Node, source: ts.SourceFile): number {
  let statement: ts.Node = node;
  while (statement.parent && !ts.isSourceFile(statement.parent)) statement = statement.parent;
  return source.getLineAndCharacterOfPosition(statement.getStart(source)).line;
}

/** `file:line text` of every string that looks like prose written outside the catalogs. */
function proseOutsideCatalogs(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  if (text.includes('i18n-exempt-file:')) return [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines = text.split('\n');
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const literal = node.getText(source);
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const exempt = [line, statementLine(node, source)].some((at) => /i18n-exempt:/.test(`${lines[at] ?? ''}${lines[at - 1] ?? ''}`));
      if ((ENGLISH_PHRASE.test(literal) || CHINESE.test(literal)) && !exempt && !isForDevelopers(node, source)) {
        found.push(`${file}:${line + 1} ${literal.slice(0, 80)}`);
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('no user-facing text bypasses the catalogs', () => {
  const files = SURFACES.flatMap(sourceFiles);

  it('scans the surfaces (the scan itself finds its files)', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it('finds no prose in string literals of the API, notifications, activities or dashboard', () => {
    expect(files.flatMap(proseOutsideCatalogs)).toEqual([]);
  });

  it('would catch a route answering in its own words', () => {
    const probe = path.join('test', 'unit', '.bypass-probe.ts');
    fs.writeFileSync(path.join(ROOT, probe), "export const answer = (res: { send(t: string): void }) => res.send('the case was not found');\n");
    try {
      expect(proseOutsideCatalogs(probe)).toHaveLength(1);
    } finally {
      fs.rmSync(path.join(ROOT, probe));
    }
  });
});

/** Every `dotted.path` leaf of a catalog section. */
function keysUnder(section: 'detail' | 'refusal' | 'field'): string[] {
  const walk = (node: unknown, prefix: string): string[] =>
    typeof node === 'string' ? [prefix] : Object.entries(node as object).flatMap(([key, child]) => walk(child, `${prefix}.${key}`));
  return walk(CATALOGS['zh-CN'][section], section);
}

/** Sample values: enum-valued placeholders get a real value, so nested names must resolve. */
const SAMPLE_VALUES: Record<string, string> = {
  status: 'waiting_info',
  stage: 'sessions',
  action: 'escalate',
  what: 'mediation',
  level: 'community',
};

describe('every message the code raises renders in both languages', () => {
  const keys = [...keysUnder('detail'), ...keysUnder('refusal'), ...keysUnder('field')];

  it.each(keys)('%s', (key) => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const text = translator(locale)(key, valuesFor(key));
      expect(text).not.toMatch(/\{\{|\$t\(|^(detail|refusal|field)\./);
      if (locale === 'zh-CN') expect(text).toMatch(CHINESE);
    }
  });
});

/** Every placeholder of a key filled with a sample. */
function valuesFor(key: string): Record<string, string> {
  const raw = String(key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], CATALOGS.en));
  const names = [...raw.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]!);
  return Object.fromEntries(names.map((name) => [name, SAMPLE_VALUES[name] ?? 'x1']));
}
