/**
 * Small statistics for reports: quantiles and rates, rounded for people to read.
 */

/**
 * The q-quantile of `values` by linear interpolation between closest ranks (the "type 7" rule of
 * R and NumPy's default), so the median of an even count is the mean of the middle two.
 */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  const high = sorted[upper]!;
  return low + (high - low) * (position - lower);
}

/** part / whole as a percentage with one decimal, or null when there is no whole. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

/** The mean with two decimals, or null without values. */
export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.round((values.reduce((sum, value) => sum + value, 0) / values.length) * 100) / 100;
}

/** Hours with one decimal. */
export function hours(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 360_000) / 10;
}
