/**
 * Percentiles and a driver that runs a fixed number of async calls at a fixed concurrency.
 */

/** The p-th percentile (0–100) of `values`, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface RunResult {
  count: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  firstError?: string;
}

/** Runs `call(i)` for i in [0, total) with `concurrency` in flight; latencies in milliseconds. */
export async function runConcurrently(total: number, concurrency: number, call: (index: number) => Promise<unknown>): Promise<RunResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  async function lane(): Promise<void> {
    while (next < total) {
      const index = next++;
      const t0 = performance.now();
      try {
        await call(index);
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  const seconds = (performance.now() - started) / 1_000;
  return summarize(latencies, errors, seconds, firstError);
}

export function summarize(latencies: readonly number[], errors: number, seconds: number, firstError?: string): RunResult {
  return {
    count: latencies.length + errors,
    errors,
    seconds,
    perSecond: (latencies.length + errors) / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    ...(firstError ? { firstError } : {}),
  };
}

/** Formats a result row: n, req/s, p50/p95/p99/max ms, errors. */
export function row(label: string, r: RunResult): string {
  const ms = (v: number) => v.toFixed(1).padStart(7);
  return `${label.padEnd(34)} ${String(r.count).padStart(6)} ${r.perSecond.toFixed(1).padStart(8)}/s  p50 ${ms(r.p50)}  p95 ${ms(r.p95)}  p99 ${ms(r.p99)}  max ${ms(r.max)} ms  errors ${r.errors}${r.firstError ? ` (${r.firstError})` : ''}`;
}
