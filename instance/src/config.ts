import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The only module that reads the environment. Everything else receives a frozen Config.
 * A bad value stops start-up with a message naming the variable and what is expected.
 */

const boolString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
    .optional(),
  KOPROGO_DATA_DIR: z.string().min(1).default('.data'),
  KOPROGO_PG_PORT: z.coerce.number().int().min(0).max(65535).default(54329), // 0: any free port
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  /** Behind a reverse proxy: which X-Forwarded-For hops to trust (true, a hop count, or addresses/CIDRs). */
  TRUST_PROXY: z.string().regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/, ]+)$/, 'true, false, a hop count, or comma-separated addresses/CIDRs').default('false'),
  REGISTRATIONS_PER_HOUR_PER_ADDRESS: z.coerce.number().int().min(1).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json', 'auto']).default('auto'),
  /** Secret for signing access tokens. Generated once and kept in the database when unset. */
  JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Explicit test mode: enables the movable test clock. Refused with NODE_ENV=production. */
  KOPROGO_TEST_MODE: boolString.default(false),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Outgoing mail: an smtp:// or smtps:// URL. Unset: mail is written to OUTBOX_DIR instead of sent. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('KoproGo <no-reply@localhost>'),
  OUTBOX_DIR: z.string().min(1).optional(),
  /** Only for `koprogo create-admin`, instead of typing the password on standard input. */
  KOPROGO_ADMIN_PASSWORD: z.string().optional(),
  /** Webhooks may target private, loopback and link-local addresses (development, tests, a trusted LAN). */
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: boolString.default(false),
  /** 32 bytes, base64: encrypts webhook secrets at rest (AES-256-GCM). Unset: a key file in KOPROGO_DATA_DIR. */
  SECRETS_KEY: z.string().refine((v) => Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(v),
    '32 bytes in base64 (e.g. `openssl rand -base64 32`)').optional(),
  /** Edge grid: the instance's libp2p listen multiaddr (e.g. /ip4/0.0.0.0/tcp/4001). Unset: the grid is off. */
  GRID_LISTEN: z.string().regex(/^\/ip[46]\/[^/]+\/tcp\/\d{1,5}$/, 'a TCP multiaddr such as /ip4/0.0.0.0/tcp/4001').optional(),
  /** The public multiaddr nodes dial (without /p2p/); unset: the first address actually listened on. */
  GRID_ANNOUNCE: z.string().regex(/^\/(ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/\d{1,5}$/, 'a TCP multiaddr such as /dns4/grid.example/tcp/4001').optional(),
  /** Where the instance finds the registry's GGUF files for token recounts (vocabulary only is loaded). */
  GRID_MODELS_DIR: z.string().min(1).optional(),
  GRID_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(8_000),
  GRID_REDUNDANCY_PERCENT: z.coerce.number().int().min(0).max(100).default(3),
  /** Federation (docs/federation.md): encrypts our private signing key at rest. */
  FEDERATION_KEY_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  FEDERATION_NAME: z.string().min(1).max(200).default('KoproGo'),
  FEDERATION_COUNTRY: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code').default('BE'),
  FEDERATION_COOPERATIVE: z.string().max(200).default(''),
  /** Only for tests and closed labs: lets federation requests reach loopback/private addresses (and plain http). */
  FEDERATION_ALLOW_PRIVATE_ADDRESSES: boolString.default(false),
  FEDERATION_INBOX_RATE_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(20),
  FEDERATION_INBOX_BURST: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /** Multiplies the delivery retry delays (1 = n⁴ + 15 s); tests use a small factor. */
  FEDERATION_RETRY_DELAY_FACTOR: z.coerce.number().min(0.001).max(1).default(1),
});

export type Env = Record<string, string | undefined>;

/** Every variable the instance reads (the README and `koprogo --help` must document each). */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

function parseTrustProxy(v: string): boolean | number | string[] {
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((a) => a.trim()).filter(Boolean);
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly embeddedPgPort: number;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string | undefined;
  readonly trustProxy: boolean | number | string[];
  readonly registrationsPerHourPerAddress: number;
  readonly logLevel: string;
  readonly logPretty: boolean;
  readonly jwtSecret: string | undefined;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlDays: number;
  readonly login: {
    readonly maxFailuresPerAccount: number;
    readonly maxFailuresPerAddress: number;
    readonly windowSeconds: number;
  };
  readonly testMode: boolean;
  readonly dbPoolMax: number;
  readonly shutdownTimeoutMs: number;
  readonly adminPassword: string | undefined;
  readonly mail: { readonly smtpUrl: string | undefined; readonly from: string; readonly outboxDir: string };
  readonly webhooks: { readonly allowPrivateAddresses: boolean };
  readonly secretsKey: string | undefined;
  readonly grid: { readonly listen: string | undefined; readonly announce: string | undefined; readonly modelsDir: string | undefined;
    readonly keyFile: string; readonly leaseMs: number; readonly redundancyPercent: number };
  readonly federation: {
    readonly keySecret: string | undefined;
    readonly name: string;
    readonly country: string;
    readonly cooperative: string;
    readonly allowPrivateAddresses: boolean;
    readonly inboxRatePerSecond: number;
    readonly inboxBurst: number;
    readonly retryDelayFactor: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Env = process.env, opts: { stdoutIsTty?: boolean; overrides?: Env } = {}): Config {
  // Empty strings mean "unset" (a common shape for .env files).
  const given = (e: Env) => Object.entries(e).filter(([, v]) => v !== undefined && v !== '');
  const cleaned = Object.fromEntries([...given(env), ...given(opts.overrides ?? {})]);
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      return `  ${name}=${JSON.stringify(cleaned[name] ?? '')}: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.KOPROGO_TEST_MODE && e.NODE_ENV === 'production') {
    throw new ConfigError(
      'Invalid configuration:\n  KOPROGO_TEST_MODE=true: test mode (movable clock) is refused when NODE_ENV=production',
    );
  }
  const tty = opts.stdoutIsTty ?? Boolean(process.stdout.isTTY);
  return Object.freeze({
    env: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.KOPROGO_DATA_DIR),
    embeddedPgPort: e.KOPROGO_PG_PORT,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    registrationsPerHourPerAddress: e.REGISTRATIONS_PER_HOUR_PER_ADDRESS,
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_FORMAT === 'pretty' || (e.LOG_FORMAT === 'auto' && tty),
    jwtSecret: e.JWT_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    login: Object.freeze({
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowSeconds: e.LOGIN_WINDOW_SECONDS,
    }),
    testMode: e.KOPROGO_TEST_MODE,
    dbPoolMax: e.DB_POOL_MAX,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    adminPassword: e.KOPROGO_ADMIN_PASSWORD,
    mail: Object.freeze({ smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, outboxDir: resolve(e.OUTBOX_DIR ?? `${e.KOPROGO_DATA_DIR}/outbox`) }),
    webhooks: Object.freeze({ allowPrivateAddresses: e.WEBHOOK_ALLOW_PRIVATE_ADDRESSES }),
    secretsKey: e.SECRETS_KEY,
    grid: Object.freeze({ listen: e.GRID_LISTEN, announce: e.GRID_ANNOUNCE, modelsDir: e.GRID_MODELS_DIR ? resolve(e.GRID_MODELS_DIR) : undefined,
      keyFile: resolve(`${e.KOPROGO_DATA_DIR}/grid/instance-key`), leaseMs: e.GRID_LEASE_MS, redundancyPercent: e.GRID_REDUNDANCY_PERCENT }),
    federation: Object.freeze({
      keySecret: e.FEDERATION_KEY_SECRET,
      name: e.FEDERATION_NAME,
      country: e.FEDERATION_COUNTRY,
      cooperative: e.FEDERATION_COOPERATIVE,
      allowPrivateAddresses: e.FEDERATION_ALLOW_PRIVATE_ADDRESSES,
      inboxRatePerSecond: e.FEDERATION_INBOX_RATE_PER_SECOND,
      inboxBurst: e.FEDERATION_INBOX_BURST,
      retryDelayFactor: e.FEDERATION_RETRY_DELAY_FACTOR,
    }),
  });
}

/** Variables documented for operators, used by the README and `koprogo start --help`. */
export const configDocs: ReadonlyArray<[string, string]> = [
  ['DATABASE_URL', 'PostgreSQL server to use (>= 15). Unset: embedded PostgreSQL in KOPROGO_DATA_DIR.'],
  ['KOPROGO_DATA_DIR', 'Data directory of the embedded PostgreSQL (default ./.data).'],
  ['KOPROGO_PG_PORT', 'Port of the embedded PostgreSQL (default 54329, any free port if taken).'],
  ['HOST / PORT', 'Address the HTTP server listens on (default 127.0.0.1:3000).'],
  ['PUBLIC_URL', 'External URL of the instance, used in printed links.'],
  ['LOG_LEVEL / LOG_FORMAT', 'pino level (default info); pretty, json or auto (pretty on a terminal).'],
  ['TRUST_PROXY', 'Behind a reverse proxy: true, a hop count, or the proxy addresses (default false).'],
  ['JWT_SECRET', 'Access-token signing secret (>= 32 chars). Unset: generated once and kept in the database.'],
  ['ACCESS_TOKEN_TTL_SECONDS', 'Access token lifetime (default 900).'],
  ['REFRESH_TOKEN_TTL_DAYS', 'Refresh token lifetime (default 30).'],
  ['LOGIN_MAX_FAILURES_PER_ACCOUNT', 'Failed logins per account in the window before 429 (default 5).'],
  ['LOGIN_MAX_FAILURES_PER_ADDRESS', 'Failed logins per client address in the window (default 20).'],
  ['LOGIN_WINDOW_SECONDS', 'Login throttling window (default 900).'],
  ['REGISTRATIONS_PER_HOUR_PER_ADDRESS', 'Self-registrations per client address per hour (default 10).'],
  ['DB_POOL_MAX', 'Connections in the database pool (default 10).'],
  ['SHUTDOWN_TIMEOUT_MS', 'After this long a shutdown logs that it still waits (default 10000).'],
  ['NODE_ENV', 'development (default), production or test.'],
  ['SMTP_URL', 'Outgoing mail server (smtp:// or smtps://). Unset: mail goes to OUTBOX_DIR, listed in the API.'],
  ['MAIL_FROM', 'Sender of outgoing mail (default "KoproGo <no-reply@localhost>").'],
  ['OUTBOX_DIR', 'Where unsent mail is written when SMTP_URL is unset (default <KOPROGO_DATA_DIR>/outbox).'],
  ['KOPROGO_ADMIN_PASSWORD', 'Password for `create-admin` (otherwise read from standard input).'],
  ['KOPROGO_TEST_MODE', 'true enables the admin-movable test clock; refused with NODE_ENV=production.'],
  ['WEBHOOK_ALLOW_PRIVATE_ADDRESSES', 'true lets webhooks target private, loopback, link-local addresses (default false: refused, 422).'],
  ['SECRETS_KEY', 'Key (32 bytes, base64) encrypting webhook secrets at rest. Unset: generated once in <KOPROGO_DATA_DIR>/secrets.key.'],
  ['GRID_LISTEN', 'Edge grid libp2p listen multiaddr (e.g. /ip4/0.0.0.0/tcp/4001). Unset: the grid is off.'],
  ['GRID_ANNOUNCE', 'Public multiaddr enrolled nodes dial (e.g. /dns4/grid.example/tcp/4001). Unset: the listen address.'],
  ['GRID_MODELS_DIR', 'Folder of the registry\'s GGUF files, for token recounts of receipts (vocabulary only).'],
  ['GRID_LEASE_MS', 'An edge node silent this long loses its job (default 8000).'],
  ['GRID_REDUNDANCY_PERCENT', 'Share of grid jobs run a second time on another node and compared on facts (default 3).'],
  ['FEDERATION_KEY_SECRET', 'Encrypts the federation signing key at rest (>= 32 chars). Unset: generated and kept in the database outside production; federation off in production.'],
  ['FEDERATION_NAME / FEDERATION_COUNTRY / FEDERATION_COOPERATIVE', 'Published in the instance document (default KoproGo, BE, empty).'],
  ['FEDERATION_ALLOW_PRIVATE_ADDRESSES', 'true lets federation requests reach private/loopback addresses and plain http (tests, labs only; default false).'],
  ['FEDERATION_INBOX_RATE_PER_SECOND / FEDERATION_INBOX_BURST', 'Per-peer inbox token bucket (default 20/s, burst 100); excess gets 429.'],
  ['FEDERATION_RETRY_DELAY_FACTOR', 'Multiplies delivery retry delays (n^4 + 15 s); default 1, tests use less.'],
];
