/**
 * Reports as CSV (RFC 4180): one line per group — the totals, then each breakdown — with the
 * nested escalation counts flattened into columns, for spreadsheets the districts already use.
 */

type Row = Record<string, unknown>;

/** A report with a `totals` object and breakdown arrays of rows with a `key`. */
export interface TabularReport {
  totals: object;
}

function flatten(row: object, prefix = ''): Row {
  const flat: Row = {};
  for (const [name, value] of Object.entries(row)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(flat, flatten(value as object, `${prefix}${name}_`));
    else flat[`${prefix}${name}`] = value;
  }
  return flat;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  // Quote what would break a cell; neutralise leading = + - @ so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The report as CSV text with a header line; `breakdowns` names the arrays to include, in order. */
export function reportCsv(report: TabularReport, breakdowns: readonly string[]): string {
  const lines: Row[] = [{ group: 'total', key: '', ...flatten(report.totals) }];
  for (const name of breakdowns) {
    const rows = (report as unknown as Record<string, unknown>)[name];
    if (!Array.isArray(rows)) continue;
    for (const row of rows as Row[]) {
      const { key, ...metrics } = row;
      lines.push({ group: name, key, ...flatten(metrics) });
    }
  }
  const columns = [...new Set(lines.flatMap((line) => Object.keys(line)))];
  return [columns.join(','), ...lines.map((line) => columns.map((column) => cell(line[column])).join(','))].join('\r\n') + '\r\n';
}
