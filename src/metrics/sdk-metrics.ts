/**
 * The Temporal SDK's own metrics (task latencies, slots, sticky cache, polls...) come from its Rust
 * core, which serves them in Prometheus format on an address of its own. gridflow's /metrics
 * appends them, so one scrape shows the API, the activities and the worker together.
 */
import { Runtime, type RuntimeOptions, type TelemetryOptions } from '@temporalio/worker';

/** Telemetry for Runtime.install: core metrics served on `bindAddress` (host:port). */
export function sdkTelemetry(bindAddress: string | undefined): Pick<TelemetryOptions, 'metrics'> {
  return bindAddress ? { metrics: { prometheus: { bindAddress } } } : {};
}

/** The SDK's metrics text, or '' when it is not served here or does not answer within 2 s. */
export async function fetchSdkMetrics(bindAddress: string | undefined): Promise<string> {
  if (!bindAddress) return '';
  try {
    const response = await fetch(`http://${bindAddress}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? await response.text() : '';
  } catch {
    return '';
  }
}

/** The address `npm start` serves the SDK's metrics on when TEMPORAL_METRICS_ADDRESS is not set. */
export const DEFAULT_SDK_METRICS_ADDRESS = '127.0.0.1:9464';

/**
 * Installs the SDK runtime with its metrics served on `bindAddress`; if that address is taken, it
 * installs without them rather than refusing to start. Answers where the metrics are served.
 */
export function installRuntimeWithMetrics(
  bindAddress: string | undefined,
  base: Omit<RuntimeOptions, 'telemetryOptions'> & { telemetryOptions?: Omit<TelemetryOptions, 'metrics'> },
  onUnavailable: (error: unknown) => void,
): string | undefined {
  if (bindAddress) {
    try {
      Runtime.install({ ...base, telemetryOptions: { ...base.telemetryOptions, ...sdkTelemetry(bindAddress) } });
      return bindAddress;
    } catch (error) {
      onUnavailable(error);
    }
  }
  Runtime.install({ ...base, telemetryOptions: { ...base.telemetryOptions } });
  return undefined;
}
