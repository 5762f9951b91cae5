/**
 * Process environment, validated once at start (DESIGN.md §4). Nothing else reads process.env.
 */
import path from 'node:path';
import { Duration } from 'luxon';
import { z } from 'zod';
import { CHANNEL_NAMES } from '../notifications/channel';
import { ConfigError, describeIssues } from './load';

/** The names Express's `trust proxy` (proxy-addr) knows for address ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;
const proxyEntry = z.union([z.enum(PROXY_RANGE_NAMES), z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
  error: `must be an IP address, a CIDR range or one of ${PROXY_RANGE_NAMES.join(', ')}`,
});
const trustedProxies = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  )
  .pipe(z.array(proxyEntry));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** host:port of an external Temporal frontend; unset → the embedded dev server. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('gridflow'),
  /** mTLS / Temporal Cloud: paths to the client certificate and key, or an API key. */
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  /** smtp(s)://user:pass@host:port; unset → the embedded SMTP sink writing to data/mail. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  /** How notifications reach people; see src/notifications/channels.ts to add one (SMS, say). */
  NOTIFICATION_CHANNEL: z.enum(CHANNEL_NAMES).default('mail'),
  MAIL_FROM: z.string().default('gridflow 网格化服务平台 <noreply@gridflow.example.org>'),
  GRIDFLOW_DATA_DIR: z.string().default('data'),
  GRIDFLOW_CONFIG: z.string().optional(),
  /** HS256 secret for staff tokens and case tokens; at least 32 characters. */
  GRIDFLOW_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Public base URL used in e-mail links. */
  GRIDFLOW_PUBLIC_URL: z.url().optional(),
  /** postgres://… for the records store; unset → SQLite at <GRIDFLOW_DATA_DIR>/records.db. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** How long after closure residents' personal data is kept in the records store (ISO 8601). */
  GRIDFLOW_REDACT_AFTER: z
    .string()
    .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/, 'must be an ISO 8601 duration in years, months, weeks or days, e.g. P3Y')
    .default('P3Y'),
  /**
   * Reverse proxies whose X-Forwarded-For is believed (Express `trust proxy`): a comma-separated
   * list of addresses, CIDR ranges or `loopback` / `linklocal` / `uniquelocal`. Unset → none: the
   * client address is the connection's, whatever the request claims.
   */
  GRIDFLOW_TRUST_PROXY: trustedProxies,
  /** Bearer token Prometheus sends to GET /metrics; unset → only loopback callers may scrape (none at all behind a trusted proxy). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** host:port where the Temporal SDK serves its own metrics, appended to /metrics (unset: not served). */
  TEMPORAL_METRICS_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port')
    .optional(),
  /** Workflows a worker keeps in memory between tasks (its sticky cache); the main lever on its RSS. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).optional(),
  /** A standalone worker (worker.ts) serves /metrics on this port when set. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How often each API and worker process asks the records store whether the directory changed. */
  GRIDFLOW_DIRECTORY_POLL: z
    .string()
    .default('PT2S')
    .refine((value) => {
      const ms = Duration.fromISO(value).as('milliseconds');
      return Number.isFinite(ms) && ms >= 100 && ms <= 600_000;
    }, 'must be an ISO 8601 duration from PT0.1S to PT10M, e.g. PT2S'),
});

export type Env = z.infer<typeof envSchema> & { dataDir: string; directoryPollMs: number };

/** Validates the environment; throws a ConfigError naming every bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) throw new ConfigError('environment', describeIssues(result.error.issues));
  return {
    ...result.data,
    dataDir: path.resolve(result.data.GRIDFLOW_DATA_DIR),
    directoryPollMs: Duration.fromISO(result.data.GRIDFLOW_DIRECTORY_POLL).as('milliseconds'),
  };
}
