/**
 * Connections to Temporal for the API (client) and the worker (native connection), from the
 * environment: a local dev server, a self-hosted cluster, or Temporal Cloud (mTLS or API key).
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export interface TemporalTarget {
  address: string;
  namespace: string;
  tlsCertPath?: string | undefined;
  tlsKeyPath?: string | undefined;
  apiKey?: string | undefined;
}

function tlsOf(target: TemporalTarget) {
  if (target.tlsCertPath && target.tlsKeyPath) {
    return { clientCertPair: { crt: readFileSync(target.tlsCertPath), key: readFileSync(target.tlsKeyPath) } };
  }
  return target.apiKey ? true : undefined;
}

/**
 * The API's client. Lazy, so the API starts (and answers 503) while Temporal is down; retries are
 * short, so a client hears 503 within about a second instead of waiting out the SDK's default
 * ten attempts.
 */
export function createApiClient(target: TemporalTarget): Client {
  const connection = Connection.lazy({
    address: target.address,
    tls: tlsOf(target),
    apiKey: target.apiKey,
    connectTimeout: 1_000,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3, maxIntervalMs: () => 300 }))],
  });
  return new Client({ connection, namespace: target.namespace });
}

/** The worker's connection (Rust core); retried by the worker itself while the server is down. */
export async function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect({ address: target.address, tls: tlsOf(target), apiKey: target.apiKey });
}
